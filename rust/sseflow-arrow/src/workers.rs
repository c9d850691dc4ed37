//! Decoding batches' JSON on worker threads while the stream goes on being
//! framed ([`Options::decode_threads`](crate::Options::decode_threads)).
//!
//! # How it works
//!
//! Each worker owns a decoder of the settled JSON type and a queue of jobs:
//! the framing columns of one cut batch. Jobs go round the workers in turn, so
//! the outcomes are read back in stream order by taking them from the workers
//! in the same turn.
//!
//! # Traps
//!
//! * Dropping the workers must not wait for every queued job: each worker's
//!   outcome queue is dropped first, so a worker stops after the job in hand
//!   (its next send fails), and the jobs still queued are dropped unread.
//! * A panic in a decoder becomes an error outcome; that worker's decoder is
//!   rebuilt, since a panic may have left it inside a value.

use crate::error::Error;
use crate::json::{Json, JsonOptions};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, SchemaRef};
use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{channel, Receiver, Sender, TryRecvError};
use std::thread::{Builder, JoinHandle};

/// One cut batch's framing columns, and its first event's stream position.
struct Job {
    arrays: Vec<ArrayRef>,
    first_index: u64,
}

type Outcome = Result<RecordBatch, Error>;

struct Worker {
    jobs: Option<Sender<Job>>,
    outcomes: Option<Receiver<Outcome>>,
    thread: Option<JoinHandle<()>>,
}

/// Threads decoding the batches handed to them, in order.
pub(crate) struct Workers {
    workers: Vec<Worker>,
    /// Jobs sent so far, and outcomes taken: the difference is in flight.
    sent: u64,
    taken: u64,
}

impl Workers {
    /// `threads` workers decoding with `options` (their type settled) into
    /// batches of `schema`.
    pub(crate) fn spawn(
        threads: usize,
        options: &JsonOptions,
        batch_rows: usize,
        schema: &SchemaRef,
    ) -> Result<Workers, ArrowError> {
        let mut workers = Workers {
            workers: Vec::with_capacity(threads),
            sent: 0,
            taken: 0,
        };
        for number in 0..threads {
            let json = Json::new(options.clone(), batch_rows)?;
            let (jobs, queue) = channel();
            let (results, outcomes) = channel();
            let (options, schema) = (options.clone(), schema.clone());
            let thread = Builder::new()
                .name(format!("sseflow-json-{number}"))
                .spawn(move || work(json, &options, batch_rows, &schema, &queue, &results))
                .map_err(|error| ArrowError::ExternalError(Box::new(error)))?;
            workers.workers.push(Worker {
                jobs: Some(jobs),
                outcomes: Some(outcomes),
                thread: Some(thread),
            });
        }
        Ok(workers)
    }

    /// Batches handed over and not yet taken back.
    pub(crate) fn in_flight(&self) -> usize {
        (self.sent - self.taken) as usize
    }

    /// The most batches in flight: one being decoded by each worker, and one
    /// queued.
    pub(crate) fn capacity(&self) -> usize {
        self.workers.len() + 1
    }

    fn turn(&self, count: u64) -> &Worker {
        &self.workers[(count % self.workers.len() as u64) as usize]
    }

    /// Hands a batch's framing columns to the next worker.
    pub(crate) fn send(&mut self, arrays: Vec<ArrayRef>, first_index: u64) {
        let jobs = self
            .turn(self.sent)
            .jobs
            .as_ref()
            .expect("open until dropped");
        // A worker stops early only when its decoder cannot be rebuilt; the
        // outcome then taken for this job reports it (see `gone`).
        let _ = jobs.send(Job {
            arrays,
            first_index,
        });
        self.sent += 1;
    }

    /// Moves the decoded batches, in order, to `ready`: all of them, waiting
    /// for each, if `wait`; else up to the first still being decoded. Stops at
    /// the first error, and returns it.
    pub(crate) fn take(&mut self, ready: &mut VecDeque<RecordBatch>, wait: bool) -> Option<Error> {
        while self.in_flight() > 0 {
            match self.take_one(ready, wait) {
                Ok(true) => {}
                Ok(false) => return None,
                Err(error) => return Some(error),
            }
        }
        None
    }

    /// Takes decoded batches, waiting for them, until at most `left` are in
    /// flight; stops at the first error, and returns it.
    pub(crate) fn take_down_to(
        &mut self,
        ready: &mut VecDeque<RecordBatch>,
        left: usize,
    ) -> Option<Error> {
        while self.in_flight() > left {
            if let Err(error) = self.take_one(ready, true) {
                return Some(error);
            }
        }
        None
    }

    /// Takes the oldest batch in flight, waiting for it if `wait`; whether one
    /// was taken.
    fn take_one(&mut self, ready: &mut VecDeque<RecordBatch>, wait: bool) -> Result<bool, Error> {
        let outcomes = self
            .turn(self.taken)
            .outcomes
            .as_ref()
            .expect("open until dropped");
        let outcome = if wait {
            outcomes.recv().unwrap_or_else(|_| Err(gone()))
        } else {
            match outcomes.try_recv() {
                Ok(outcome) => outcome,
                Err(TryRecvError::Empty) => return Ok(false),
                Err(TryRecvError::Disconnected) => Err(gone()),
            }
        };
        self.taken += 1;
        ready.push_back(outcome?);
        Ok(true)
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        for worker in &mut self.workers {
            worker.outcomes = None;
            worker.jobs = None;
        }
        for worker in &mut self.workers {
            if let Some(thread) = worker.thread.take() {
                // A worker catches its decoder's panics: it ends cleanly.
                let _ = thread.join();
            }
        }
    }
}

/// A worker's loop: decode each job, until the queue or the outcomes close.
fn work(
    mut json: Json,
    options: &JsonOptions,
    batch_rows: usize,
    schema: &SchemaRef,
    queue: &Receiver<Job>,
    results: &Sender<Outcome>,
) {
    for mut job in queue {
        let decoded = catch_unwind(AssertUnwindSafe(|| {
            json.decode_into(&mut job.arrays, job.first_index)?;
            Ok(RecordBatch::try_new(schema.clone(), job.arrays)?)
        }));
        let outcome = decoded.unwrap_or_else(|_| {
            Err(Error::Arrow(ArrowError::ComputeError(
                "the JSON decoder panicked".to_owned(),
            )))
        });
        if outcome.is_err() {
            match Json::new(options.clone(), batch_rows) {
                Ok(fresh) => json = fresh,
                Err(_) => return,
            }
        }
        if results.send(outcome).is_err() {
            return;
        }
    }
}

/// The error for a worker that ended without its outcome.
fn gone() -> Error {
    Error::Arrow(ArrowError::ComputeError(
        "a JSON decoding thread ended early".to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::Layout;
    use crate::json::{JsonSchema, OnError};
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int64Type;
    use arrow_array::{Array, DictionaryArray, Int32Array, StringArray, UInt64Array};
    use arrow_schema::{DataType, Field, Schema};
    use std::sync::Arc;

    fn options() -> JsonOptions {
        let fields = vec![Field::new("n", DataType::Int64, true)];
        JsonOptions {
            schema: JsonSchema::Fields(fields.into()),
            events: None,
            on_error: OnError::Null,
            scalars_to_strings: None,
        }
    }

    /// A dictionary column of `rows` empty strings (event types, IDs).
    fn empty_text(rows: usize) -> ArrayRef {
        let keys = Int32Array::from(vec![0; rows]);
        let values = Arc::new(StringArray::from(vec![""]));
        Arc::new(DictionaryArray::try_new(keys, values).unwrap())
    }

    /// The framing columns of events whose data is `data`, in `Layout` order.
    fn job(data: ArrayRef) -> Vec<ArrayRef> {
        let rows = data.len();
        let retry: ArrayRef = Arc::new(UInt64Array::new_null(rows));
        vec![empty_text(rows), data, empty_text(rows), retry]
    }

    fn schema() -> SchemaRef {
        let mut fields = Layout::default().fields();
        fields.extend(Json::new(options(), 16).unwrap().fields().unwrap());
        Arc::new(Schema::new(fields))
    }

    /// A decoder that panics (here on a `data` column that is not text, which
    /// a parser never sends) gives an error for its batch, and the worker goes
    /// on with a fresh decoder: the next batch decodes, in order.
    #[test]
    fn a_panic_is_an_error_and_the_worker_goes_on() {
        let mut workers = Workers::spawn(1, &options(), 16, &schema()).unwrap();
        let not_text: ArrayRef = Arc::new(Int32Array::from(vec![1, 2]));
        workers.send(job(not_text), 0);
        let good: ArrayRef = Arc::new(StringArray::from(vec![r#"{"n": 7}"#]));
        workers.send(job(good), 2);
        let mut ready = VecDeque::new();
        let error = workers.take(&mut ready, true).expect("the panic's error");
        assert!(ready.is_empty());
        assert_eq!(
            error.to_string(),
            "Compute error: the JSON decoder panicked"
        );
        assert_eq!(workers.take(&mut ready, true).map(|e| e.to_string()), None);
        assert_eq!(workers.in_flight(), 0);
        let batch = ready.pop_front().expect("the batch after the panic");
        let json = batch.column(4).as_struct();
        assert_eq!(json.column(0).as_primitive::<Int64Type>().value(0), 7);
        assert_eq!(json.len(), 1);
    }
}
