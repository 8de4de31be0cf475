//! Warren's seeding: the demo network that `warren serve --demo` loads into
//! an empty database ([`demo`]), and the synthetic network of realistic size
//! that `warren bench-seed` writes for `cargo xtask bench`
//! ([`bench`](mod@bench)).
//!
//! Both write through the store like any other writer — accounts hashed and
//! keys digested by [`warren_store::credentials`], listings with their
//! history, articles indexed by the domain's search text — so what they seed
//! reads back exactly as if people had entered it. Nothing here serves
//! requests: the `warren` binary calls in, and the end-to-end tests load the
//! demo. Every function is blocking.

pub mod bench;
pub mod demo;

use warren_store::credentials::PasswordHashError;
use warren_store::places::LoadError;
use warren_store::{DieselError, StoreError};

/// Why seeding stopped. A transaction that failed wrote nothing; the ones
/// before it stay (seed a fresh database again).
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The store failed or refused a write.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A seeded account's password could not be hashed.
    #[error(transparent)]
    Password(#[from] PasswordHashError),
    /// The demo's sample gazetteer did not load.
    #[error("the demo's sample gazetteer could not be loaded")]
    Gazetteer(#[from] LoadError),
    /// The benchmark seeds only a database with no organizations.
    #[error("the database already has organizations; seed a fresh one")]
    AlreadyPopulated,
    /// The options leave the benchmark network without something it needs
    /// (the text says what).
    #[error("{0}")]
    TooSmall(&'static str),
    /// A value of the seed's own data is not valid (a bug here).
    #[error("the seed data is not valid: {0}")]
    Data(String),
}

impl From<DieselError> for SeedError {
    fn from(error: DieselError) -> Self {
        Self::Store(StoreError::from_diesel(error))
    }
}
