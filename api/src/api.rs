//! The one way a handler reaches the store: [`Api`].
//!
//! Every handler has the same shape: extractors for the caller and the input
//! (`Api`, `Path`, [`ValidJson`](crate::extract::ValidJson),
//! [`IfMatch`](crate::extract::IfMatch),
//! [`IdempotencyKey`](crate::extract::IdempotencyKey)), then one closure
//! handed to [`Api::read`], [`Api::write`] or [`Api::create`], in which a
//! domain function decides and the store changes. `Api` owns the rest:
//!
//! - the work runs off the async workers (`web::block`), on one pooled
//!   connection; a dry pool answers 503 through [`ApiError`];
//! - a write runs in one transaction: any error rolls everything back;
//! - the closure gets a [`Tx`], which derefs to the connection (store
//!   functions take it as it is), knows the caller ([`Tx::who`]), appends
//!   audit entries ([`Tx::audit`]) and raises events ([`Tx::raise`]) in the
//!   same transaction;
//! - the events raised are published to live subscribers once, and only if,
//!   the change commits — they are returned from the transaction, never
//!   smuggled out through shared state;
//! - [`Api::create`] keeps the answer under the caller's `Idempotency-Key`
//!   in the same transaction, so a retry replays it and creates nothing.

use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use serde::Serialize;
use warren_store::DbConnection;
use warren_store::audit::{self, Actor, Change};
use warren_store::idempotency::{self, StoredAnswer};
use warren_store::referrals::ReferralRow;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::events::{LiveEvent, Raised};
use crate::extract::IdempotencyKey;
use crate::state::AppState;

/// What every handler that touches the store takes: the application state
/// and the authenticated caller (401 without valid credentials).
pub struct Api {
    /// The application state.
    pub state: web::Data<AppState>,
    /// The caller.
    pub who: Principal,
}

impl FromRequest for Api {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let who = Principal::from_request(request, payload);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("no application state".into()))?;
            Ok(Self {
                state,
                who: who.await?,
            })
        })
    }
}

/// One unit of work on the store: the connection (a transaction for
/// writes), the caller, and what the work raises.
pub struct Tx<'a> {
    connection: &'a mut DbConnection,
    /// The caller.
    pub who: &'a Principal,
    /// The application state (the directory snapshot, alerting, settings).
    pub state: &'a AppState,
    /// The events raised so far, published when the change commits.
    pub raised: Raised,
}

impl Deref for Tx<'_> {
    type Target = DbConnection;

    fn deref(&self) -> &DbConnection {
        self.connection
    }
}

impl DerefMut for Tx<'_> {
    fn deref_mut(&mut self) -> &mut DbConnection {
        self.connection
    }
}

impl Tx<'_> {
    /// Appends an audit entry for a change the caller made, in the change's
    /// transaction: `action` (e.g. `referral.created`) on the
    /// `target_type` object `target_id`, belonging to `organization`.
    pub fn audit(
        &mut self,
        action: &str,
        target_type: &str,
        target_id: &str,
        organization: Option<&str>,
        details: serde_json::Value,
    ) -> Result<(), ApiError> {
        let actor = self.who.actor.clone();
        self.audit_as(
            &actor,
            action,
            target_type,
            target_id,
            organization,
            details,
        )
    }

    /// Appends an audit entry naming `actor` rather than the caller: for
    /// requests that make their caller known only as they run (an
    /// application creates its admin, an accepted invitation its member).
    pub fn audit_as(
        &mut self,
        actor: &Actor,
        action: &str,
        target_type: &str,
        target_id: &str,
        organization: Option<&str>,
        details: serde_json::Value,
    ) -> Result<(), ApiError> {
        audit::record(
            self.connection,
            actor,
            Change {
                action,
                target_type,
                target_id,
                organization_id: organization,
                details,
            },
        )?;
        Ok(())
    }

    /// Raises the referral event `kind` for `row` as it is after the change:
    /// queues its webhook deliveries here and publishes it on commit.
    pub fn raise(&mut self, kind: &str, row: &ReferralRow) -> Result<(), ApiError> {
        self.raised.raise(self.connection, kind, row)
    }

    /// Raises a live event that is not about a referral (announced on
    /// PostgreSQL in the same transaction, published on commit).
    pub fn push(&mut self, event: LiveEvent) -> Result<(), ApiError> {
        self.raised.push(self.connection, event)
    }

    /// The connection and the event list at once, for the functions that
    /// take both (alerting).
    pub fn parts(&mut self) -> (&mut DbConnection, &mut Raised) {
        (self.connection, &mut self.raised)
    }
}

/// What a fresh creation or its replay answers.
enum Created {
    Fresh(String),
    Replay(StoredAnswer),
}

impl Api {
    /// The `Api` of a request anyone may make (applying, accepting an
    /// invitation, signing in): its caller is anonymous and the audit log
    /// names it as `actor`.
    pub fn anonymous(state: web::Data<AppState>, actor: Actor) -> Self {
        Self {
            state,
            who: Principal::anonymous(actor),
        }
    }

    /// The `Api` of a request that needs no sign-in (the public directory,
    /// the triage protocol, the report): it reads, and its caller sees only
    /// what is public.
    pub fn public(state: web::Data<AppState>) -> Self {
        Self::anonymous(state, Actor::system("visitor"))
    }

    /// Runs `work` on a pooled connection without a transaction.
    pub async fn read<T, F>(self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Tx) -> Result<T, ApiError> + Send + 'static,
    {
        web::block(move || {
            let Self { state, who } = self;
            state.store.read(|connection| {
                let mut tx = Tx {
                    connection,
                    who: &who,
                    state: &state,
                    raised: Raised::default(),
                };
                work(&mut tx)
            })
        })
        .await?
    }

    /// Runs `work` on a pooled connection without a transaction and keeps
    /// the `Api` for the main work: for checks that must come first, such as
    /// refusing outsiders before an `Idempotency-Key` could replay anything.
    pub async fn check<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Tx) -> Result<T, ApiError> + Send + 'static,
    {
        Self {
            state: self.state.clone(),
            who: self.who.clone(),
        }
        .read(work)
        .await
    }

    /// Runs `work` in one transaction and publishes the events it raised
    /// once the transaction commits.
    pub async fn write<T, F>(self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Tx) -> Result<T, ApiError> + Send + 'static,
    {
        web::block(move || {
            let Self { state, who } = self;
            let (value, raised) = state.store.write(|connection| {
                let mut tx = Tx {
                    connection,
                    who: &who,
                    state: &state,
                    raised: Raised::default(),
                };
                let value = work(&mut tx)?;
                Ok::<_, ApiError>((value, tx.raised))
            })?;
            state.events.publish(raised.0);
            Ok(value)
        })
        .await?
    }

    /// Runs `work` like [`Api::write`], then reloads the public directory,
    /// which the change touched (a listing, or an organization's name or
    /// standing), before answering.
    pub async fn write_directory<T, F>(self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Tx) -> Result<T, ApiError> + Send + 'static,
    {
        let state = self.state.clone();
        let value = self.write(work).await?;
        Self::directory_changed(state).await?;
        Ok(value)
    }

    /// Reloads the public directory after a change that touched it (off the
    /// async workers).
    pub async fn directory_changed(state: web::Data<AppState>) -> Result<(), ApiError> {
        web::block(move || state.directory.changed(&state.store)).await?;
        Ok(())
    }

    /// Creates something: runs `work` in one transaction and answers 201
    /// with its result, keeping the answer under the caller's
    /// `Idempotency-Key`. A retry with the same key and the same
    /// `fingerprint` (a digest of the request) replays the first answer with
    /// `Idempotent-Replayed: true`; the same key with a different request is
    /// a 422.
    pub async fn create<T, F>(
        self,
        key: IdempotencyKey,
        fingerprint: impl Into<String>,
        work: F,
    ) -> Result<HttpResponse, ApiError>
    where
        T: Serialize,
        F: FnOnce(&mut Tx) -> Result<T, ApiError> + Send + 'static,
    {
        let fingerprint = fingerprint.into();
        let created = web::block(move || {
            let Self { state, who } = self;
            let IdempotencyKey(key) = key;
            let scope = who.idempotency_scope();
            let attempt = state.store.write(|connection| {
                if let Some(key) = &key
                    && let Some(previous) = idempotency::find(connection, &scope, key)?
                {
                    return Ok((Created::Replay(previous), Raised::default()));
                }
                let mut tx = Tx {
                    connection,
                    who: &who,
                    state: &state,
                    raised: Raised::default(),
                };
                let value = work(&mut tx)?;
                let raised = tx.raised;
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
                Ok((Created::Fresh(body), raised))
            });
            let created = match (attempt, &key) {
                (Ok((created, raised)), _) => {
                    state.events.publish(raised.0);
                    created
                }
                // A concurrent first attempt with the same key won the race:
                // answer what it answered.
                (Err(error @ ApiError::Conflict { .. }), Some(key)) => {
                    match state
                        .store
                        .read(|connection| idempotency::find(connection, &scope, key))?
                    {
                        Some(previous) => Created::Replay(previous),
                        None => return Err(error),
                    }
                }
                (Err(error), _) => return Err(error),
            };
            match created {
                Created::Replay(previous) if previous.fingerprint != fingerprint => {
                    Err(ApiError::invalid_field(
                        "Idempotency-Key",
                        "was already used for a different request",
                    ))
                }
                created => Ok(created),
            }
        })
        .await??;
        Ok(match created {
            Created::Fresh(body) => HttpResponse::Created()
                .content_type("application/json")
                .body(body),
            Created::Replay(previous) => HttpResponse::build(
                StatusCode::from_u16(previous.status).unwrap_or(StatusCode::CREATED),
            )
            .insert_header((warren_wire::IDEMPOTENT_REPLAYED, "true"))
            .content_type("application/json")
            .body(previous.body),
        })
    }
}
