//! Warren's storage: one diesel codebase over SQLite and PostgreSQL.
//!
//! [`Store::open`] picks the backend from the URL's scheme (`postgres://` or
//! `postgresql://` for PostgreSQL; `sqlite://PATH`, or a plain path, for a
//! SQLite file), checks that the database answers, runs the embedded
//! migrations and keeps an r2d2 pool. Every function here is blocking: the API
//! calls them off its async workers.
//!
//! Writes go through [`Store::write`], one transaction each. SQLite allows a
//! single writer at a time, so writes to it are serialized in-process before
//! the transaction starts (readers go on in parallel under WAL); that also
//! makes "check, then write" rules race-free on SQLite. On PostgreSQL the
//! rules rely on conditional updates and constraints instead.

pub mod accounts;
pub mod alerts;
pub mod attachments;
pub mod audit;
pub mod bulk;
pub mod care;
pub mod connection;
pub mod credentials;
pub mod dashboard;
pub mod events;
pub mod idempotency;
pub mod lending;
pub mod library;
pub mod organizations;
pub mod outbox;
pub mod people;
pub mod places;
pub mod rate_limits;
pub mod referrals;
pub mod schema;
pub mod sites;
pub mod specialists;
pub mod status_links;
pub mod supplies;
pub mod triage;
pub mod webhooks;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{Pool, PooledConnection};
use diesel::result::DatabaseErrorKind;
/// diesel's error type, for callers whose errors must absorb it.
pub use diesel::result::Error as DieselError;

use connection::Manager;
pub use connection::{Backend, DbConnection};

/// Everything the store can report.
///
/// Callers map these to answers once (the API turns `NotFound` into 404,
/// `Stale` into 412, `Conflict` into 409, `Unavailable` into 503); a
/// `Database` error is a fault of ours and is logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such row (or not one the caller may see).
    #[error("not found")]
    NotFound,
    /// The row changed since the caller read it.
    #[error("the record was changed by someone else")]
    Stale,
    /// A uniqueness rule refused the write; the text says which rule.
    #[error("conflict: {0}")]
    Conflict(String),
    /// An exclusion rule refused the write: two blocking reservations of one
    /// item would overlap. The text names the rule.
    #[error("overlap: {0}")]
    Overlap(String),
    /// Concurrent transactions got in each other's way (PostgreSQL found a
    /// deadlock or could not serialize them) and this one was rolled back:
    /// nothing was written, and the request may be sent again.
    #[error("concurrent change: {0}")]
    Contention(String),
    /// The database cannot serve the request in time (pool exhausted, server down, locked).
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// The disk holding the database is full (SQLite's `SQLITE_FULL`): the
    /// write was rolled back, reads still work.
    #[error("the database's disk is full: {0}")]
    StorageFull(String),
    /// The storage under the database refuses writes: the file or its file
    /// system is read-only, or writing to it fails (SQLite's
    /// `SQLITE_READONLY`, `SQLITE_IOERR`). The write was rolled back.
    #[error("the database's storage refuses writes: {0}")]
    StorageReadOnly(String),
    /// Anything else the database reported.
    #[error("database error: {0}")]
    Database(DieselError),
    /// A stored value that does not parse (a bug or a hand-edited database).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Classifies a diesel error: unique violations become conflicts, a lost
    /// connection or a locked SQLite file becomes `Unavailable`, a full or
    /// read-only SQLite disk becomes `StorageFull` or `StorageReadOnly`.
    pub fn from_diesel(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => Self::NotFound,
            // A commit that failed and could not be rolled back either: the
            // commit's error says why (typically the connection is gone).
            DieselError::RollbackErrorOnCommit { commit_error, .. } => {
                Self::from_diesel(*commit_error)
            }
            // Left by an earlier failure on this connection (a lost
            // connection mid-transaction); the pool discards it.
            DieselError::BrokenTransactionManager => {
                Self::Unavailable("the connection broke in a transaction".into())
            }
            DieselError::DatabaseError(_, ref info)
                if info.message().contains("database or disk is full") =>
            {
                Self::StorageFull(info.message().to_owned())
            }
            DieselError::DatabaseError(_, ref info)
                if info.message().contains("readonly database")
                    || info.message().contains("disk I/O error") =>
            {
                Self::StorageReadOnly(info.message().to_owned())
            }
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Self::Conflict(info.constraint_name().unwrap_or(info.message()).to_owned())
            }
            DieselError::DatabaseError(DatabaseErrorKind::ExclusionViolation, info) => {
                Self::Overlap(info.constraint_name().unwrap_or(info.message()).to_owned())
            }
            DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, info) => {
                Self::Contention(info.message().to_owned())
            }
            DieselError::DatabaseError(_, ref info)
                if info.message().contains("deadlock detected") =>
            {
                Self::Contention(info.message().to_owned())
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Self::Unavailable(info.message().to_owned())
            }
            DieselError::DatabaseError(_, ref info)
                if info.message().contains("database is locked")
                    || info.message().contains("connection")
                    || info.message().contains("SSL SYSCALL error") =>
            {
                Self::Unavailable(info.message().to_owned())
            }
            other => Self::Database(other),
        }
    }
}

impl From<DieselError> for StoreError {
    fn from(error: DieselError) -> Self {
        Self::from_diesel(error)
    }
}

/// The result of every store function.
pub type StoreResult<T> = Result<T, StoreError>;

/// How to open the store.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// The database URL (see the module docs).
    pub url: String,
    /// Most connections held at once.
    pub pool_size: u32,
    /// How long a request waits for a free connection before giving up.
    pub pool_timeout: Duration,
}

/// The database: a pool of connections and the write discipline.
#[derive(Clone)]
pub struct Store {
    pool: Pool<Manager>,
    backend: Backend,
    sqlite_writer: Arc<Mutex<()>>,
    url: String,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

/// A pooled connection.
pub type PooledDb = PooledConnection<Manager>;

impl Store {
    /// Opens the database, failing fast with the real reason when it cannot
    /// be reached, and migrates it to the current schema.
    pub fn open(options: &StoreOptions) -> StoreResult<Self> {
        let manager = Manager::new(&options.url)?;
        let backend = manager.backend();
        // One direct connection first: r2d2 would only report a timeout.
        let mut first = manager.establish()?;
        connection::migrate(&mut first)?;
        sites::seed_terms(&mut first)?;
        triage::seed_protocol(&mut first)?;
        drop(first);
        let pool = Pool::builder()
            .max_size(options.pool_size.max(1))
            .min_idle(Some(0))
            .connection_timeout(options.pool_timeout)
            // A PostgreSQL connection whose server went away (restarted,
            // failed over, cut off) would otherwise stay in the pool and fail
            // every request it serves: check each one on the way out (one
            // round trip) and replace the dead ones. SQLite connections
            // cannot lose their server.
            .test_on_check_out(backend == Backend::Postgres)
            .build_unchecked(manager);
        Ok(Self {
            pool,
            backend,
            sqlite_writer: Arc::new(Mutex::new(())),
            url: options.url.clone(),
        })
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL the store was opened with.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A connection from the pool, or `Unavailable` after the pool timeout.
    pub fn connection(&self) -> StoreResult<PooledDb> {
        self.pool
            .get()
            .map_err(|error| StoreError::Unavailable(error.to_string()))
    }

    /// Runs `work` on a pooled connection, without a transaction.
    pub fn read<T, E>(&self, work: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut connection = self.connection()?;
        work(&mut connection)
    }

    /// Runs `work` in one transaction; any error rolls everything back.
    pub fn write<T, E>(&self, work: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError> + From<DieselError>,
    {
        let mut connection = self.connection()?;
        let _serialized = match self.backend {
            Backend::Sqlite => Some(
                self.sqlite_writer
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
            ),
            Backend::Postgres => None,
        };
        connection.transaction(|connection| work(connection))
    }

    /// Checks that the database answers a trivial query.
    pub fn ping(&self) -> StoreResult<()> {
        self.read(|connection| {
            connection
                .batch_execute("SELECT 1")
                .map_err(StoreError::from_diesel)
        })
    }

    /// Writes a consistent copy of a SQLite database to `target` (`VACUUM
    /// INTO`). PostgreSQL is backed up with `pg_dump`; this returns an error
    /// saying so.
    pub fn backup(&self, target: &std::path::Path) -> StoreResult<()> {
        match self.backend {
            Backend::Sqlite => {
                if target.exists() {
                    return Err(StoreError::Conflict(format!(
                        "{} already exists",
                        target.display()
                    )));
                }
                let path = target.to_string_lossy().replace('\'', "''");
                self.read(|connection| {
                    connection
                        .batch_execute(&format!("VACUUM INTO '{path}'"))
                        .map_err(StoreError::from_diesel)
                })
            }
            Backend::Postgres => Err(StoreError::Unavailable(
                "back up PostgreSQL with pg_dump: pg_dump --format=custom --file=warren.dump \"$DATABASE_URL\"".into(),
            )),
        }
    }
}

/// The current time, truncated to microseconds so that it survives a round
/// trip through either database unchanged.
pub fn now() -> NaiveDateTime {
    let now = Utc::now().naive_utc();
    now - chrono::TimeDelta::nanoseconds(i64::from(now.and_utc().timestamp_subsec_nanos() % 1000))
}

/// A stored UTC time as it goes on the wire.
pub fn utc(time: NaiveDateTime) -> DateTime<Utc> {
    time.and_utc()
}

/// One entry of a timeline as both timelines (referrals, loans) store it,
/// oldest first.
#[derive(Debug, Clone, PartialEq, Eq, diesel::Queryable)]
pub struct TimelineRow {
    /// When.
    pub at: NaiveDateTime,
    /// Who: a person's name, or `Warren`.
    pub actor: String,
    /// What, e.g. `created`, `status`.
    pub kind: String,
    /// The status before, for status changes.
    pub from: Option<String>,
    /// The status after.
    pub to: Option<String>,
    /// A sentence for people.
    pub note: Option<String>,
}

/// A value serialized for a JSON column.
pub(crate) fn json<T: serde::Serialize + ?Sized>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|error| StoreError::Corrupt(error.to_string()))
}

/// A new time-ordered identifier (UUID v7), as stored.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Parses a stored identifier.
pub fn parse_id(text: &str) -> StoreResult<uuid::Uuid> {
    uuid::Uuid::parse_str(text).map_err(|_| StoreError::Corrupt(format!("id {text:?}")))
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub fn like_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}
