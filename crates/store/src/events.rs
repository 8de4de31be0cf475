//! Events between replicas: PostgreSQL `LISTEN/NOTIFY`.
//!
//! On PostgreSQL a replica announces an event with `pg_notify` and every
//! replica (itself included) hears it on a dedicated listening connection.
//! SQLite serves one process, which hands events to its subscribers itself.

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::{Backend, DbConnection, StoreError, StoreResult};

/// The channel Warren's events travel on.
pub const CHANNEL: &str = "warren_events";

/// Announces `payload` to every replica; on SQLite this does nothing (the
/// caller delivers in-process).
pub fn notify(connection: &mut DbConnection, payload: &str) -> StoreResult<()> {
    if let DbConnection::Pg(pg) = connection {
        diesel::sql_query("SELECT pg_notify($1, $2)")
            .bind::<Text, _>(CHANNEL)
            .bind::<Text, _>(payload)
            .execute(pg)?;
    }
    Ok(())
}

/// A connection that listens on [`CHANNEL`].
pub struct Listener {
    connection: PgConnection,
}

impl Listener {
    /// Connects to `url` (a PostgreSQL URL) and starts listening.
    pub fn connect(url: &str) -> StoreResult<Self> {
        let mut connection = PgConnection::establish(url)
            .map_err(|error| StoreError::Unavailable(error.to_string()))?;
        diesel::sql_query(format!("LISTEN {CHANNEL}")).execute(&mut connection)?;
        Ok(Self { connection })
    }

    /// The payloads that arrived. When none has, it asks the server, which
    /// delivers what is pending and shows a dead connection as an error;
    /// the caller paces the calls.
    pub fn receive(&mut self) -> StoreResult<Vec<String>> {
        let mut payloads = self.drain()?;
        if payloads.is_empty() {
            diesel::sql_query("SELECT 1").execute(&mut self.connection)?;
            payloads = self.drain()?;
        }
        Ok(payloads)
    }

    fn drain(&mut self) -> StoreResult<Vec<String>> {
        self.connection
            .notifications_iter()
            .map(|notification| Ok(notification?.payload))
            .collect()
    }
}

/// Whether events cross replicas through the database.
pub fn crosses_replicas(backend: Backend) -> bool {
    backend == Backend::Postgres
}
