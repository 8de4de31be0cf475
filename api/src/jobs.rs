//! Warren's background rounds. Each replica runs every round once a job
//! interval, off the async workers; a round claims its work with
//! conditional updates, so replicas running it at once do each piece once,
//! and a round that fails is logged and simply runs again next time.
//!
//! The rounds stop with the server ([`Jobs::stop`]): no new round starts,
//! and a round in progress finishes — a message being sent is recorded as
//! sent — before the server's process goes on to exit or, in the tests, its
//! database is removed.

use std::future::Future;
use std::time::Duration;

use actix_web::web;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::error::ApiError;
use crate::state::AppState;

/// The background rounds of one server.
#[derive(Clone, Default)]
pub struct Jobs {
    running: TaskTracker,
    stopping: CancellationToken,
}

impl Jobs {
    /// Runs `round` every `interval` until the jobs stop; a round that takes
    /// longer than the interval delays the next rather than doubling it up.
    pub fn every<Round, Done>(&self, interval: Duration, mut round: Round)
    where
        Round: FnMut() -> Done + Send + 'static,
        Done: Future<Output = ()> + Send,
    {
        self.spawn(move |stopping| async move {
            let mut every = tokio::time::interval(interval);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    () = stopping.cancelled() => return,
                    _ = every.tick() => {}
                }
                round().await;
            }
        });
    }

    /// Runs `job`, which must return soon after the token it is given is
    /// cancelled, between two of its rounds.
    pub fn spawn<Job, Running>(&self, job: Job)
    where
        Job: FnOnce(CancellationToken) -> Running,
        Running: Future<Output = ()> + Send + 'static,
    {
        self.running.spawn(job(self.stopping.clone()));
    }

    /// Starts no more rounds and waits for those in progress to finish.
    pub async fn stop(&self) {
        self.running.close();
        self.stopping.cancel();
        self.running.wait().await;
    }
}

/// Runs `round` every job interval for as long as the server runs; `what`
/// names it in the log ("escalation", "overdue loans"). A round answers how
/// many things it moved.
pub fn every_interval(
    state: web::Data<AppState>,
    what: &'static str,
    round: fn(&AppState) -> Result<usize, ApiError>,
) {
    every_intervals(state, what, 1, round);
}

/// Runs `round` every `intervals` job intervals, for rounds that scan more
/// than they usually find and need not run as often as escalation.
pub fn every_intervals(
    state: web::Data<AppState>,
    what: &'static str,
    intervals: u32,
    round: fn(&AppState) -> Result<usize, ApiError>,
) {
    let jobs = state.jobs.clone();
    jobs.every(state.config.job_interval * intervals.max(1), move || {
        let state = state.clone();
        async move {
            match web::block(move || round(&state)).await {
                Ok(Ok(0)) => {}
                Ok(Ok(count)) => tracing::info!(count, what, "job round"),
                Ok(Err(error)) => tracing::warn!(%error, what, "job round failed"),
                Err(error) => tracing::warn!(%error, what, "job round did not run"),
            }
        }
    });
}
