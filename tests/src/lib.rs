//! Warren's end-to-end test harness.
//!
//! [`TestApp::spawn`] starts a real `warren` server in-process on port 0 with
//! a fresh database — a SQLite file in a temporary folder, or a new PostgreSQL
//! database (dropped afterwards) on `WARREN_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) — and hands back the typed
//! client the SPA uses. [`on_both_databases!`] turns one test body into a
//! SQLite test and a PostgreSQL test.

pub mod s3;
pub mod smtp;

use std::net::TcpListener;
use std::path::PathBuf;
use std::time::Duration;

use diesel::{Connection, PgConnection, RunQueryDsl};
use tokio::runtime::RuntimeFlavor;
use warren_api::config::{Config, TokenSettings};
use warren_client::Client;
use warren_store::Store;
use warren_wire::{
    ApplyRequest, CreateInvitationRequest, LoginRequest, MembershipChangeRequest, NewAccount,
    NewOrganization, TokenResponse,
};

pub use warren_domain::{
    ApiKeyName, ApiScope, Email, MembershipStatus, OrgName, OrganizationKind, Password, PersonName,
    Role,
};

/// The password of every account the harness creates.
pub const PASSWORD: &str = "a long test password";
/// The secret the harness signs access tokens with.
pub const JWT_SECRET: &str = "a test signing secret that is long enough";
/// The bearer token test servers want for `/metrics`.
pub const METRICS_TOKEN: &str = "a test metrics token";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in a temporary folder.
    Sqlite,
    /// A fresh PostgreSQL database.
    Postgres,
}

/// The PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("WARREN_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn postgres_url_for(database: &str) -> String {
    let admin = postgres_admin_url();
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    format!("{base}/{database}")
}

/// A running server with its own database.
pub struct TestApp {
    /// A client without credentials.
    pub client: Client,
    /// The server's base URL.
    pub url: String,
    /// The database.
    pub backend: Backend,
    /// The server's store, for checks beneath the API.
    pub store: Store,
    /// Where the server keeps the files attached to cases.
    pub files: warren_api::files::Files,
    handle: actix_web::dev::ServerHandle,
    jobs: warren_api::jobs::Jobs,
    postgres_database: Option<String>,
    _data_dir: tempfile::TempDir,
}

/// The built browser app the test servers send: `WARREN_WEB_DIR`, else
/// `web/dist` (`cargo xtask test` builds it).
pub fn web_dir() -> PathBuf {
    std::env::var("WARREN_WEB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../web/dist")))
}

/// A base configuration for tests; adjust fields before spawning.
pub fn test_config(data_dir: PathBuf, database_url: String) -> Config {
    Config {
        database_url,
        addr: "127.0.0.1:0".into(),
        web_dir: web_dir(),
        public_url: None,
        tokens: TokenSettings {
            active_secret: JWT_SECRET.into(),
            previous_secrets: vec![],
            access_ttl: Duration::from_secs(900),
            refresh_ttl: Duration::from_secs(3600),
            // Off, so a replay is caught at once; the tests of tabs
            // refreshing together turn it on.
            refresh_grace: Duration::ZERO,
            issuer: "warren".into(),
        },
        pool_size: 8,
        pool_timeout: Duration::from_secs(5),
        login_attempts_per_minute: 1000,
        public_requests_per_minute: 100_000,
        partner_requests_per_minute: 100_000,
        applications_per_hour: 1000,
        trusted_proxies: warren_api::edge::TrustedProxies::default(),
        metrics: warren_api::config::MetricsSettings {
            addr: None,
            token: Some(METRICS_TOKEN.into()),
        },
        workers: 2,
        job_interval: Duration::from_millis(100),
        webhook_retry_base: Duration::from_millis(50),
        // The tests' receivers listen on 127.0.0.1.
        webhooks_to_private_addresses: true,
        mail: warren_api::config::MailSettings {
            smtp_url: None,
            smtp_ca_file: None,
            from: None,
            mailbox_dir: data_dir.join("mailbox"),
            retry_base: Duration::from_millis(100),
        },
        files: warren_api::config::FileSettings {
            object_store_url: None,
            object_store_options: vec![],
            folder: data_dir.join("files"),
            max_bytes: warren_domain::attachments::DEFAULT_MAX_BYTES,
            sweep_age: Duration::from_secs(3600),
        },
        demo: false,
        data_dir,
    }
}

impl TestApp {
    /// Starts a server on `backend` with the default test configuration.
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Starts a server on `backend` after `adjust` changes the configuration.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Self {
        let data_dir = tempfile::tempdir().expect("a temporary folder");
        let (database_url, postgres_database) = match backend {
            Backend::Sqlite => (
                data_dir
                    .path()
                    .join("warren.db")
                    .to_string_lossy()
                    .into_owned(),
                None,
            ),
            Backend::Postgres => {
                let name = format!("warren_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(&postgres_admin_url())
                    .expect("PostgreSQL must be running (WARREN_TEST_DATABASE_URL)");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("create a test database");
                (postgres_url_for(&name), Some(name))
            }
        };
        let mut config = test_config(data_dir.path().to_path_buf(), database_url);
        adjust(&mut config);
        let store_config = config.clone();
        let store =
            tokio::task::spawn_blocking(move || warren_api::server::open_store(&store_config))
                .await
                .expect("open the store")
                .expect("open the store");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
        let running =
            warren_api::server::start(config, store.clone(), listener).expect("start the server");
        let url = format!("http://{}", running.addr);
        let handle = running.handle.clone();
        let jobs = running.jobs.clone();
        let files = running.files.clone();
        tokio::spawn(running.server);
        TestApp {
            files,
            client: Client::new(&url),
            url,
            backend,
            store,
            handle,
            jobs,
            postgres_database,
            _data_dir: data_dir,
        }
    }

    /// Starts a second server over the same database, as another replica
    /// behind a load balancer would run: its own workers, jobs and event
    /// listener. It stops when the returned [`Replica`] is dropped.
    pub async fn replica(&self) -> (Client, Replica) {
        self.replica_with(|_| {}).await
    }

    /// A replica, as [`TestApp::replica`], after `adjust` changes its
    /// configuration.
    pub async fn replica_with(&self, adjust: impl FnOnce(&mut Config)) -> (Client, Replica) {
        let data_dir = tempfile::tempdir().expect("a temporary folder");
        let mut config = test_config(data_dir.keep(), self.store.url().to_owned());
        adjust(&mut config);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
        let running = warren_api::server::start(config, self.store.clone(), listener)
            .expect("start the replica");
        let url = format!("http://{}", running.addr);
        let handle = running.handle.clone();
        let jobs = running.jobs.clone();
        tokio::spawn(running.server);
        (Client::new(&url), Replica(handle, jobs))
    }

    /// Takes the server down, as when Warren cannot be reached from the
    /// browser; the database stays, for checks beneath the API.
    pub async fn take_down(&self) {
        let _ = tokio::time::timeout(Duration::from_secs(5), self.handle.stop(false)).await;
    }

    /// Signs in and returns the tokens.
    pub async fn tokens(&self, email: &str, password: &str) -> TokenResponse {
        self.client
            .login(&LoginRequest {
                email: email.into(),
                password: password.into(),
            })
            .await
            .unwrap_or_else(|error| panic!("sign in as {email}: {error}"))
    }

    /// A client signed in as `email`.
    pub async fn signed_in(&self, email: &str) -> Client {
        let tokens = self.tokens(email, PASSWORD).await;
        self.client.with_access_token(&tokens.access_token)
    }

    /// Creates a network admin (and the coordination office) and signs in.
    pub async fn network_admin(&self) -> Client {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || {
            warren_api::admin::create_network_admin(
                &store,
                "coordinator@network.test",
                "Morgan Hale",
                PASSWORD,
                "Network coordination office",
            )
        })
        .await
        .expect("create the network admin")
        .expect("create the network admin");
        self.signed_in("coordinator@network.test").await
    }

    /// An organization applies; returns its id and its admin's client.
    pub async fn apply(&self, name: &str, admin_email: &str) -> (uuid::Uuid, Client) {
        let application = self
            .client
            .apply(&application(name, admin_email), None)
            .await
            .unwrap_or_else(|error| panic!("apply as {name}: {error}"));
        (
            application.organization.id,
            self.signed_in(admin_email).await,
        )
    }

    /// An organization applies and `admin` vets it.
    pub async fn vetted(
        &self,
        admin: &Client,
        name: &str,
        admin_email: &str,
    ) -> (uuid::Uuid, Client) {
        let (id, client) = self.apply(name, admin_email).await;
        let organization = admin.organization(id).await.expect("read the application");
        admin
            .change_membership(
                id,
                &MembershipChangeRequest {
                    membership: MembershipStatus::Vetted,
                    reason: None,
                },
                &organization.etag,
            )
            .await
            .expect("vet the organization");
        (id, client)
    }

    /// `org_admin` invites `email` as `role`; the person accepts and signs in.
    pub async fn member(
        &self,
        org_admin: &Client,
        organization: uuid::Uuid,
        email: &str,
        role: Role,
    ) -> Client {
        let invitation = org_admin
            .invite(
                organization,
                &CreateInvitationRequest {
                    email: warren_domain::Email::parse(email).expect("a test e-mail"),
                    role,
                },
                None,
            )
            .await
            .expect("invite a member");
        self.client
            .accept_invitation(&warren_wire::AcceptInvitationRequest {
                token: invitation.token,
                name: Some(warren_domain::PersonName::parse("Test Member").expect("a name")),
                password: PASSWORD.into(),
            })
            .await
            .expect("accept the invitation");
        self.signed_in(email).await
    }
}

/// An application for `name` with a first admin at `admin_email`.
pub fn application(name: &str, admin_email: &str) -> ApplyRequest {
    ApplyRequest {
        organization: NewOrganization {
            name: warren_domain::OrgName::parse(name).expect("a test name"),
            kind: OrganizationKind::Clinic,
            website: None,
            description: None,
        },
        admin: NewAccount {
            name: warren_domain::PersonName::parse("Ada Admin").expect("a name"),
            email: warren_domain::Email::parse(admin_email).expect("a test e-mail"),
            password: warren_domain::Password::parse(PASSWORD).expect("a password"),
        },
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Not gracefully: the database is dropped with FORCE below.
        stop(&self.handle, &self.jobs);
        if let Some(name) = self.postgres_database.take() {
            let dropped = std::thread::spawn(move || {
                let mut admin = PgConnection::establish(&postgres_admin_url())?;
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)?;
                Ok::<_, anyhow::Error>(())
            })
            .join();
            if !matches!(dropped, Ok(Ok(()))) {
                eprintln!("could not drop a test database");
            }
        }
    }
}

/// Stops a server and waits until its workers have let go of the store, and
/// its background rounds have finished, so that a finished test leaves no
/// server behind. A round still running when the test's database is removed
/// would wait out the pool's timeout for a connection that cannot come, and
/// the test's runtime would wait for it.
fn stop(handle: &actix_web::dev::ServerHandle, jobs: &warren_api::jobs::Jobs) {
    // Asked at once; awaited below when a runtime can wait.
    let server_stopped = handle.stop(false);
    let stopping = async {
        let _ = server_stopped.await;
        jobs.stop().await;
    };
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) if runtime.runtime_flavor() == RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(|| {
                runtime.block_on(async {
                    let _ = tokio::time::timeout(Duration::from_secs(5), stopping).await;
                });
            });
        }
        _ => drop(stopping),
    }
}

/// A second server over a test's database, stopped when dropped.
pub struct Replica(actix_web::dev::ServerHandle, warren_api::jobs::Jobs);

impl Drop for Replica {
    fn drop(&mut self) {
        stop(&self.0, &self.1);
    }
}

/// Runs each test body once on SQLite and once on PostgreSQL.
///
/// ```ignore
/// on_both_databases! {
///     async fn a_member_reads_its_organization(app) { … }
/// }
/// ```
///
/// A body that starts its own server (with another configuration) takes the
/// backend instead: `async fn pool_exhaustion_answers_503(backend: Backend) { … }`.
#[macro_export]
macro_rules! on_both_databases {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports, reason = "the body uses what it needs")]
                use super::*;

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let $app = $crate::TestApp::spawn($crate::Backend::Sqlite).await;
                    $body
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let $app = $crate::TestApp::spawn($crate::Backend::Postgres).await;
                    $body
                }
            }
        )*
    };
    ($(async fn $name:ident($backend:ident: Backend) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports, reason = "the body uses what it needs")]
                use super::*;

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let $backend = $crate::Backend::Sqlite;
                    $body
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let $backend = $crate::Backend::Postgres;
                    $body
                }
            }
        )*
    };
}

/// Runs each test body once, on the backend named first (`Sqlite` or `Postgres`): for the
/// browser tests.
///
/// A browser test's subject is the web app in Chromium, which sees nothing but the HTTP API, and
/// the API tests prove that API on both databases. Running every browser scenario on both again
/// only doubled the slowest half of the suite; so each runs once, and the browser test files
/// alternate backends, so that the app is driven against both.
///
/// ```ignore
/// on_one_database! { Postgres:
///     async fn a_vet_acknowledges_an_alert_in_one_click(app) { … }
/// }
/// ```
#[macro_export]
macro_rules! on_one_database {
    ($database:ident: $(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let $app = $crate::TestApp::spawn($crate::Backend::$database).await;
                $body
            }
        )*
    };
    ($database:ident: $(async fn $name:ident($backend:ident: Backend) $body:block)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let $backend = $crate::Backend::$database;
                $body
            }
        )*
    };
}
