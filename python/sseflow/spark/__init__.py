"""sseflow as an Apache Spark source: ``spark.readStream.format("sse")``.

::

    import sseflow.spark

    sseflow.spark.register(spark)
    events = spark.readStream.format("sse").option("url", "http://127.0.0.1:8000/events").load()

Needs the ``spark`` extra and the native module of :mod:`sseflow.arrow`
(``pip install '.[spark]' ./rust/sseflow-arrow-py``): PySpark 4 and pyarrow,
imported only here. The offsets Spark checkpoints are, per stream,
its last event ID and the events delivered since the first one with it; on
restart each stream reconnects with ``Last-Event-ID`` from the committed
offset. See the README, "Apache Spark", for what exactly once means here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from pyspark.errors import PySparkNotImplementedError
from pyspark.sql.datasource import (
    DataSource,
    DataSourceReader,
    DataSourceStreamReader,
    SimpleDataSourceStreamReader,
)

from sseflow.spark._options import Options
from sseflow.spark._readers import BatchReader, PartitionedReader, StreamReader
from sseflow.spark._rows import COLUMNS, JSON_COLUMNS

if TYPE_CHECKING:
    from pyspark.sql import SparkSession
    from pyspark.sql.types import StructType

__all__ = ["SCHEMA", "EventStreamSource", "register"]

SCHEMA: Final = f"{COLUMNS}, url string"
"""The rows' columns, as a Spark DDL string."""


def register(spark: SparkSession) -> None:
    """Registers the data source ``"sse"`` with ``spark``."""
    spark.dataSource.register(EventStreamSource)


class EventStreamSource(DataSource):
    """The ``"sse"`` data source: rows ``event, data, id, retry, url``."""

    @classmethod
    def name(cls) -> str:
        return "sse"

    def schema(self) -> str:
        fields = self.options.get("json_schema", "").strip()
        return f"{SCHEMA}, json struct<{fields}>, {JSON_COLUMNS}" if fields else SCHEMA

    def simpleStreamReader(self, schema: StructType) -> SimpleDataSourceStreamReader:
        return StreamReader(Options(self.options, schema))

    def streamReader(self, schema: StructType) -> DataSourceStreamReader:
        options = Options(self.options, schema)
        if options.shape == "driver":
            # Spark then asks for simpleStreamReader.
            raise PySparkNotImplementedError(
                errorClass="NOT_IMPLEMENTED", messageParameters={"feature": "streamReader"}
            )
        return PartitionedReader(options)

    def reader(self, schema: StructType) -> DataSourceReader:
        return BatchReader(Options(self.options, schema))
