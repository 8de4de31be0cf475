//! Creating requests that can be retried safely (`Idempotency-Key`).
//!
//! The first request with a key runs and its answer is stored in the same
//! transaction as what it created; a retry with the same key gets that answer
//! again (with `Idempotent-Replayed: true`) and creates nothing. Reusing a key
//! for a different request is refused with 422.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use warren_store::DbConnection;
use warren_store::idempotency::{self, StoredAnswer};

use crate::error::ApiError;
use crate::extract::IdempotencyKey;
use crate::state::AppState;

/// A creating request: who sends it, with which key, and its fingerprint.
#[derive(Debug, Clone)]
pub struct Creation {
    /// The principal the key belongs to.
    pub scope: String,
    /// The client's key, if it sent one.
    pub key: IdempotencyKey,
    /// A digest of the request.
    pub fingerprint: String,
}

enum Outcome {
    Fresh(String),
    Replay(StoredAnswer),
}

/// Runs `work` in one transaction and answers 201 with its result, or replays
/// the answer stored for the same key.
pub async fn create<T, F>(
    state: &web::Data<AppState>,
    creation: Creation,
    work: F,
) -> Result<HttpResponse, ApiError>
where
    T: Serialize,
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
{
    let store = state.store.clone();
    let outcome = web::block(move || {
        let Creation {
            scope,
            key: IdempotencyKey(key),
            fingerprint,
        } = creation;
        let attempt = store.write(|connection| {
            if let Some(key) = &key
                && let Some(previous) = idempotency::find(connection, &scope, key)?
            {
                return Ok(Outcome::Replay(previous));
            }
            let value = work(connection)?;
            let body = serde_json::to_string(&value)
                .map_err(|error| ApiError::Internal(error.to_string()))?;
            if let Some(key) = &key {
                let answer = StoredAnswer {
                    fingerprint: fingerprint.clone(),
                    status: 201,
                    body: body.clone(),
                };
                idempotency::save(connection, &scope, key, &answer)?;
            }
            Ok(Outcome::Fresh(body))
        });
        match (attempt, &key) {
            // A concurrent first attempt with the same key won the race:
            // answer what it answered.
            (Err(error @ ApiError::Conflict { .. }), Some(key)) => {
                match store.read(|connection| idempotency::find(connection, &scope, key))? {
                    Some(previous) => Ok(Outcome::Replay(previous)),
                    None => Err(error),
                }
            }
            (result, _) => result,
        }
        .and_then(|outcome| match outcome {
            Outcome::Replay(previous) if previous.fingerprint != fingerprint => {
                Err(ApiError::invalid_field(
                    "Idempotency-Key",
                    "was already used for a different request",
                ))
            }
            outcome => Ok(outcome),
        })
    })
    .await??;
    Ok(match outcome {
        Outcome::Fresh(body) => HttpResponse::Created()
            .content_type("application/json")
            .body(body),
        Outcome::Replay(previous) => HttpResponse::build(
            StatusCode::from_u16(previous.status).unwrap_or(StatusCode::CREATED),
        )
        .insert_header((warren_wire::IDEMPOTENT_REPLAYED, "true"))
        .content_type("application/json")
        .body(previous.body),
    })
}
