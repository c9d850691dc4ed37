//! One call at a time on a parser, from any thread, and an error instead of a
//! deadlock when a call re-enters from the same thread.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, TryLockError};

/// A value that each call locks for its whole run.
pub(crate) struct CallLock<T> {
    value: Mutex<T>,
    /// The thread holding `value`, as `thread_token()`, or 0.
    owner: AtomicUsize,
}

/// The value, locked for one call.
pub(crate) struct Locked<'a, T> {
    value: MutexGuard<'a, T>,
    owner: &'a AtomicUsize,
}

impl<T> Deref for Locked<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for Locked<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T> Drop for Locked<'_, T> {
    fn drop(&mut self) {
        self.owner.store(0, Ordering::Release);
    }
}

/// A number unique to the calling thread among live threads (never 0).
fn thread_token() -> usize {
    thread_local!(static TOKEN: u8 = const { 0 });
    TOKEN.with(|token| std::ptr::from_ref(token) as usize)
}

impl<T> CallLock<T> {
    pub(crate) fn new(value: T) -> CallLock<T> {
        CallLock {
            value: Mutex::new(value),
            owner: AtomicUsize::new(0),
        }
    }

    /// Locks the value for one call.
    ///
    /// A call holds the interpreter for its whole run, except when a garbage
    /// collection it triggers runs finalizers; another thread may then call the
    /// parser, and waits here, without the interpreter, until the first call is
    /// done. A finalizer calling back into the parser in the same thread gets a
    /// `RuntimeError` instead of a deadlock.
    #[inline]
    pub(crate) fn lock(&self, py: Python<'_>) -> PyResult<Locked<'_, T>> {
        loop {
            match self.value.try_lock() {
                Ok(value) => return Ok(self.locked(value)),
                // Only a panic poisons the lock, and a panic never leaves the
                // parser's state half-changed: it happens before or after a step.
                Err(TryLockError::Poisoned(poisoned)) => {
                    return Ok(self.locked(poisoned.into_inner()))
                }
                Err(TryLockError::WouldBlock) => {
                    if self.owner.load(Ordering::Acquire) == thread_token() {
                        return Err(PyRuntimeError::new_err(
                            "Parser called re-entrantly: a finalizer called it while it was running",
                        ));
                    }
                    py.detach(std::thread::yield_now);
                }
            }
        }
    }

    #[inline]
    fn locked<'a>(&'a self, value: MutexGuard<'a, T>) -> Locked<'a, T> {
        self.owner.store(thread_token(), Ordering::Release);
        Locked {
            value,
            owner: &self.owner,
        }
    }
}
