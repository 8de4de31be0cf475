//! What the fault tests share: a fresh database on either backend, the real
//! `warren` binary as a child process, and the demo network's referrer.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use diesel::sql_types::Text;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};
use serde_json::{Value, json};

/// The signing secret every test server shares, so tokens survive a restart.
pub const JWT_SECRET: &str = "a fault test signing secret that is long enough";
/// The demo's org admin of Harbourside, who sends the test referrals.
pub const REFERRER_EMAIL: &str = "admin@harbourside.demo";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file.
    Sqlite,
    /// A PostgreSQL database of its own.
    Postgres,
}

/// The PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("WARREN_TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// `postgres://user@host:port` of the admin URL, without the database.
pub fn postgres_base_url() -> String {
    let admin = postgres_admin_url();
    admin
        .rsplit_once('/')
        .map_or(admin.clone(), |(base, _)| base.to_owned())
}

/// `host:port` of the PostgreSQL server.
pub fn postgres_address() -> String {
    let base = postgres_base_url();
    let authority = base.rsplit_once('/').map_or(base.as_str(), |(_, a)| a);
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    }
}

/// Runs `program` with `args` and fails the test, with its error output,
/// unless it succeeds.
pub fn run(program: &str, args: &[&str]) {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("{program}: {error}"));
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// One text column named `value`: every query the tests run selects that.
#[derive(QueryableByName)]
struct TextRow {
    #[diesel(sql_type = Text)]
    value: String,
}

/// A database made for one test: a SQLite file, or a PostgreSQL database
/// that is dropped when this is.
pub struct Database {
    /// The URL the server is given.
    pub url: String,
    /// Which backend.
    pub backend: Backend,
    /// The PostgreSQL database's name.
    pub name: Option<String>,
}

impl Database {
    /// A SQLite file at `path` (not created yet).
    pub fn sqlite(path: &Path) -> Self {
        Self {
            url: path.to_string_lossy().into_owned(),
            backend: Backend::Sqlite,
            name: None,
        }
    }

    /// A new, empty PostgreSQL database.
    pub fn postgres() -> Self {
        let name = format!("warren_fault_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&postgres_admin_url())
            .expect("PostgreSQL must be running (WARREN_TEST_DATABASE_URL)");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("create a test database");
        Self {
            url: format!("{}/{name}", postgres_base_url()),
            backend: Backend::Postgres,
            name: Some(name),
        }
    }

    /// A fresh database of `backend`; a SQLite file goes in `folder`.
    pub fn fresh(backend: Backend, folder: &Path) -> Self {
        match backend {
            Backend::Sqlite => Self::sqlite(&folder.join("warren.db")),
            Backend::Postgres => Self::postgres(),
        }
    }

    /// Runs `sql`, which selects one text column named `value`.
    pub fn texts(&self, sql: &str) -> Vec<String> {
        let rows = match self.backend {
            Backend::Sqlite => {
                let mut connection =
                    SqliteConnection::establish(&self.url).expect("open the SQLite file");
                diesel::sql_query(sql).load::<TextRow>(&mut connection)
            }
            Backend::Postgres => {
                let mut connection =
                    PgConnection::establish(&self.url).expect("connect to the test database");
                diesel::sql_query(sql).load::<TextRow>(&mut connection)
            }
        };
        rows.unwrap_or_else(|error| panic!("{sql}: {error}"))
            .into_iter()
            .map(|row| row.value)
            .collect()
    }

    /// The one text value `sql` selects.
    pub fn text(&self, sql: &str) -> String {
        let mut values = self.texts(sql);
        assert_eq!(values.len(), 1, "{sql} must select one row");
        values.remove(0)
    }

    /// A count `sql` selects as `value` (cast to text).
    pub fn count(&self, sql: &str) -> usize {
        self.text(sql).parse().expect("a count")
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some(name) = self.name.take() {
            let dropped = PgConnection::establish(&postgres_admin_url()).and_then(|mut admin| {
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .map_err(|error| diesel::ConnectionError::BadConnection(error.to_string()))
            });
            if let Err(error) = dropped {
                eprintln!("could not drop the test database {name}: {error}");
            }
        }
    }
}

/// A free port on 127.0.0.1.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// The real `warren serve`, as a child process; killed when dropped.
pub struct Server {
    child: Mutex<Child>,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    log: PathBuf,
    /// A client with a short timeout: a request that hangs fails the test.
    pub http: reqwest::Client,
}

/// How to start a server.
pub struct Launch<'a> {
    /// `DATABASE_URL`.
    pub database_url: &'a str,
    /// Where it keeps its files and its log.
    pub data_dir: &'a Path,
    /// Load the demo network first (`serve --demo`).
    pub demo: bool,
    /// `WARREN_DB_POOL_TIMEOUT_MS`.
    pub pool_timeout_ms: u64,
}

impl Server {
    /// Starts `warren serve` and waits until `/readyz` answers 200.
    pub async fn start(launch: Launch<'_>) -> Self {
        let port = free_port();
        let log = launch.data_dir.join(format!("server-{port}.log"));
        let log_file = std::fs::File::create(&log).expect("create the server log");
        let mut command = Command::new(env!("CARGO_BIN_EXE_warren"));
        command.arg("serve");
        if launch.demo {
            command.arg("--demo");
        }
        let child = command
            .env("DATABASE_URL", launch.database_url)
            .env("WARREN_DATA_DIR", launch.data_dir)
            .env("WARREN_ADDR", format!("127.0.0.1:{port}"))
            .env("WARREN_JWT_SECRET", JWT_SECRET)
            .env("WARREN_DB_POOL_SIZE", "8")
            .env(
                "WARREN_DB_POOL_TIMEOUT_MS",
                launch.pool_timeout_ms.to_string(),
            )
            .env("WARREN_WORKERS", "2")
            .env("WARREN_LOGIN_ATTEMPTS_PER_MINUTE", "1000")
            .env("WARREN_WEB_DIR", launch.data_dir.join("no-web-app"))
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("the log twice"))
            .stderr(log_file)
            .spawn()
            .expect("start warren serve");
        let server = Self {
            child: Mutex::new(child),
            url: format!("http://127.0.0.1:{port}"),
            log,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .expect("an HTTP client"),
        };
        server.wait_until_ready(Duration::from_secs(120)).await;
        server
    }

    /// Waits for `/readyz` to answer 200; panics with the log if the process
    /// ends or `limit` passes.
    pub async fn wait_until_ready(&self, limit: Duration) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child().try_wait().expect("poll the server") {
                panic!("warren serve exited with {status}:\n{}", self.log());
            }
            if let Ok(response) = self.http.get(self.path("/readyz")).send().await
                && response.status() == 200
            {
                return;
            }
            assert!(
                started.elapsed() < limit,
                "warren serve not ready after {limit:?}:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The URL of `path`.
    pub fn path(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// What the server printed so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn child(&self) -> std::sync::MutexGuard<'_, Child> {
        self.child
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child().id()
    }

    /// Whether the process is still running.
    pub fn is_running(&self) -> bool {
        self.child().try_wait().expect("poll the server").is_none()
    }

    /// Waits for the process to end.
    pub fn wait(&self) -> std::process::ExitStatus {
        self.child().wait().expect("reap the server")
    }

    /// `kill -9` (sent at once, from this process), without waiting.
    pub fn kill(&self) {
        self.child().kill().expect("SIGKILL the server");
    }

    /// SIGTERM (a graceful stop), and waits for the process to end.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
        self.wait();
    }

    /// Signs in as a demo account; returns the access token.
    pub async fn sign_in(&self, email: &str) -> String {
        let response = self
            .http
            .post(self.path("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": "burrow-demo-2026"}))
            .send()
            .await
            .expect("sign in");
        assert_eq!(response.status(), 200, "sign in as {email}");
        let body: Value = response.json().await.expect("tokens");
        body["access_token"].as_str().expect("a token").to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let child = self
            .child
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if matches!(child.try_wait(), Ok(None)) {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Who sends the test referrals and to which site: the demo's Harbourside
/// and a site of another vetted organization.
#[derive(Debug, Clone)]
pub struct Referrer {
    /// Harbourside's id.
    pub organization: String,
    /// The receiving site.
    pub receiver_site: String,
    /// The admin's access token.
    pub token: String,
}

impl Referrer {
    /// Looks the referrer and a receiving site up in `database` and signs in.
    pub async fn of_demo(server: &Server, database: &Database) -> Self {
        let organization = database.text(&format!(
            "SELECT m.organization_id AS value FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE u.email = '{REFERRER_EMAIL}'"
        ));
        let receiver_site = database.texts(&format!(
            "SELECT s.id AS value FROM sites s JOIN organizations o ON o.id = s.organization_id \
             WHERE o.membership = 'vetted' AND o.id <> '{organization}' ORDER BY s.id"
        ));
        let receiver_site = receiver_site
            .first()
            .expect("the demo has another vetted organization with a site")
            .clone();
        Self {
            organization,
            receiver_site,
            token: server.sign_in(REFERRER_EMAIL).await,
        }
    }

    /// The reason a test referral sent with `key` carries, to find it again.
    pub fn reason(key: &str) -> String {
        format!("Fault test referral {key}")
    }

    /// Sends one referral with `key` as its `Idempotency-Key`.
    pub async fn send(&self, server: &Server, key: &str) -> reqwest::Result<reqwest::Response> {
        server
            .http
            .post(server.path(&format!(
                "/api/v1/organizations/{}/referrals",
                self.organization
            )))
            .bearer_auth(&self.token)
            .header("Idempotency-Key", key)
            .json(&json!({
                "receivers": [self.receiver_site],
                "species": "small_mammal/rat",
                "reason": Self::reason(key),
                "priority": "urgent",
            }))
            .send()
            .await
    }
}

/// Asserts that `response` is a problem with `status`, and returns its body.
pub async fn expect_problem(response: reqwest::Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.text().await.unwrap_or_default();
    assert_eq!(actual, status, "expected a {status} problem, got: {body}");
    assert_eq!(content_type, "application/problem+json", "{body}");
    serde_json::from_str(&body).expect("a problem body")
}

impl Referrer {
    /// Reads the first page of Harbourside's referrals.
    pub async fn list(&self, server: &Server) -> reqwest::Result<reqwest::Response> {
        server
            .http
            .get(server.path(&format!(
                "/api/v1/organizations/{}/referrals",
                self.organization
            )))
            .bearer_auth(&self.token)
            .send()
            .await
    }

    /// Reads one referral.
    pub async fn read(
        &self,
        server: &Server,
        referral: &str,
    ) -> reqwest::Result<reqwest::Response> {
        server
            .http
            .get(server.path(&format!("/api/v1/referrals/{referral}")))
            .bearer_auth(&self.token)
            .send()
            .await
    }
}

/// The case and referral ids of a 201 answer to a referral.
pub async fn created(response: reqwest::Response) -> (String, String) {
    let status = response.status();
    let body: Value = response.json().await.expect("a JSON answer");
    assert_eq!(status, 201, "{body}");
    let case = body["case_id"].as_str().expect("a case id").to_owned();
    let referral = body["items"][0]["id"]
        .as_str()
        .expect("a referral id")
        .to_owned();
    (case, referral)
}

/// Runs a `warren` subcommand on `database_url`; panics with its output if
/// it fails.
pub fn warren(args: &[&str], database_url: &str, data_dir: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_warren"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("WARREN_DATA_DIR", data_dir)
        .env("WARREN_JWT_SECRET", JWT_SECRET)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run warren");
    assert!(
        output.status.success(),
        "warren {args:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
