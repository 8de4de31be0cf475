//! Warren's background rounds. Each replica runs every round once a job
//! interval, off the async workers; a round claims its work with
//! conditional updates, so replicas running it at once do each piece once,
//! and a round that fails is logged and simply runs again next time.

use actix_web::web;

use crate::error::ApiError;
use crate::state::AppState;

/// Runs `round` every job interval for as long as the server runs; `what`
/// names it in the log ("escalation", "overdue loans"). A round answers how
/// many things it moved.
pub fn every_interval(
    state: web::Data<AppState>,
    what: &'static str,
    round: fn(&AppState) -> Result<usize, ApiError>,
) {
    let interval = state.config.job_interval;
    tokio::spawn(async move {
        let mut every = tokio::time::interval(interval);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let state = state.clone();
            match web::block(move || round(&state)).await {
                Ok(Ok(0)) => {}
                Ok(Ok(count)) => tracing::info!(count, what, "job round"),
                Ok(Err(error)) => tracing::warn!(%error, what, "job round failed"),
                Err(error) => tracing::warn!(%error, what, "job round did not run"),
            }
        }
    });
}
