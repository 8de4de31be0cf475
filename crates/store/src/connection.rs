//! Connections: one type over both backends, chosen from the URL scheme.
//!
//! diesel's `MultiConnection` would try every backend in turn and silently
//! open a SQLite *file* named after a mistyped PostgreSQL URL; the [`Manager`]
//! decides from the scheme instead and reports the real connection error.

#![allow(
    missing_docs,
    reason = "diesel::MultiConnection generates undocumented items"
)]

use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::{StoreError, StoreResult};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// A connection to either database; store functions take `&mut DbConnection`.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// The production backend.
    Pg(PgConnection),
    /// The embedded default.
    Sqlite(SqliteConnection),
}

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file (the embedded default).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// `sqlite` or `postgres`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }

    /// The backend a database URL names, with the address to connect to.
    pub fn from_url(url: &str) -> StoreResult<(Self, String)> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok((Self::Postgres, url.to_owned()))
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            Ok((Self::Sqlite, path.to_owned()))
        } else if url.contains("://") {
            Err(StoreError::Unavailable(format!(
                "unsupported database URL scheme in {url:?}: use postgres:// or a SQLite file path"
            )))
        } else if url.is_empty() {
            Err(StoreError::Unavailable("the database URL is empty".into()))
        } else {
            Ok((Self::Sqlite, url.to_owned()))
        }
    }
}

/// Opens connections of the one backend the URL names.
#[derive(Debug, Clone)]
pub struct Manager {
    backend: Backend,
    address: String,
}

impl Manager {
    /// A manager for `url`; fails for a URL of no known backend.
    pub fn new(url: &str) -> StoreResult<Self> {
        let (backend, address) = Backend::from_url(url)?;
        Ok(Self { backend, address })
    }

    /// The backend this manager connects to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Opens one connection, with the real error when that fails.
    pub fn establish(&self) -> StoreResult<DbConnection> {
        let connection = match self.backend {
            Backend::Postgres => PgConnection::establish(&self.address).map(DbConnection::Pg),
            Backend::Sqlite => {
                if let Some(parent) = std::path::Path::new(&self.address).parent()
                    && !parent.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(parent).map_err(|error| {
                        StoreError::Unavailable(format!(
                            "cannot create {}: {error}",
                            parent.display()
                        ))
                    })?;
                }
                SqliteConnection::establish(&self.address).map(DbConnection::Sqlite)
            }
        };
        let mut connection = connection.map_err(|error| {
            StoreError::Unavailable(format!(
                "cannot connect to the {} database: {error}",
                self.backend.as_str()
            ))
        })?;
        apply_pragmas(&mut connection)?;
        Ok(connection)
    }
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        self.establish().map_err(|error| {
            r2d2::Error::ConnectionError(diesel::ConnectionError::BadConnection(error.to_string()))
        })
    }

    fn is_valid(&self, connection: &mut DbConnection) -> Result<(), r2d2::Error> {
        connection
            .batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, connection: &mut DbConnection) -> bool {
        match connection {
            DbConnection::Pg(pg) => r2d2::R2D2Connection::is_broken(pg),
            DbConnection::Sqlite(_) => false,
        }
    }
}

/// Per-connection SQLite settings: foreign keys on, wait for locks instead
/// of failing, and the durable-enough `synchronous=NORMAL` that WAL allows.
fn apply_pragmas(connection: &mut DbConnection) -> StoreResult<()> {
    if let DbConnection::Sqlite(sqlite) = connection {
        sqlite
            .batch_execute(
                "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
            )
            .map_err(StoreError::from_diesel)?;
    }
    Ok(())
}

/// Brings the database to the current schema. SQLite switches to WAL once,
/// here: the journal mode is stored in the file.
pub fn migrate(connection: &mut DbConnection) -> StoreResult<()> {
    let result = match connection {
        DbConnection::Sqlite(sqlite) => {
            sqlite
                .batch_execute("PRAGMA journal_mode = WAL;")
                .map_err(StoreError::from_diesel)?;
            sqlite.run_pending_migrations(SQLITE_MIGRATIONS).map(drop)
        }
        DbConnection::Pg(pg) => pg.run_pending_migrations(POSTGRES_MIGRATIONS).map(drop),
    };
    result.map_err(|error| StoreError::Unavailable(format!("migration failed: {error}")))
}
