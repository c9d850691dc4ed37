//! Reads an event stream from stdin in 8 KiB chunks and prints each event,
//! then how the stream ended.
//!
//! ```text
//! cargo run -p sseflow-core --example parse_stdin < stream.txt
//! cargo run -p sseflow-core --example parse_stdin -- --comments < stream.txt
//! ```

use sseflow_core::{Config, EndOfStream, Item, Parser};
use std::io::{self, Read, Write};
use std::process::ExitCode;

const CHUNK_SIZE: usize = 8 * 1024;

fn main() -> ExitCode {
    let comments = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--comments") => true,
        Some(other) => {
            eprintln!("unknown argument {other:?}; usage: parse_stdin [--comments] < stream");
            return ExitCode::from(2);
        }
    };
    match run(comments) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("parse_stdin: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(comments: bool) -> Result<(), Box<dyn std::error::Error>> {
    let mut parser = Parser::with_config(Config::default().comments(comments));
    let mut stdin = io::stdin().lock();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut buffer = vec![0u8; CHUNK_SIZE];
    let mut events = 0u64;
    loop {
        let read = match stdin.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error.into()),
        };
        let mut feed = parser.feed(&buffer[..read]);
        while let Some(item) = feed.next_item()? {
            match item {
                Item::Event(event) => {
                    events += 1;
                    write!(
                        out,
                        "event type={:?} id={:?} data={:?}",
                        event.event_type(),
                        event.id(),
                        event.data()
                    )?;
                    if let Some(retry) = event.retry() {
                        write!(out, " retry={retry}")?;
                    }
                    writeln!(out)?;
                }
                Item::Comment(comment) => writeln!(out, "comment {:?}", comment.text())?,
            }
        }
    }
    let end = parser.finish();
    let how = match end {
        EndOfStream::Clean => "cleanly",
        EndOfStream::InsideLine => "inside a line (truncated; the partial line was discarded)",
        EndOfStream::InsideEvent => "inside an event (truncated; the event was discarded)",
    };
    writeln!(out, "{events} events; stream ended {how}")?;
    writeln!(
        out,
        "last event id={:?} retry={:?}",
        parser.last_event_id(),
        parser.retry()
    )?;
    out.flush()?;
    Ok(())
}
