//! Configuration, read from the environment once at start.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;

/// Everything the server needs to know about its surroundings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the database is (`DATABASE_URL`).
    pub database_url: String,
    /// Where Warren keeps its files (`WARREN_DATA_DIR`).
    pub data_dir: PathBuf,
    /// The address to listen on (`WARREN_ADDR`).
    pub addr: String,
    /// The built SPA (`WARREN_WEB_DIR`).
    pub web_dir: PathBuf,
    /// The address people use to reach Warren, for links (`WARREN_PUBLIC_URL`).
    pub public_url: Option<String>,
    /// Token settings.
    pub tokens: TokenSettings,
    /// Most database connections (`WARREN_DB_POOL_SIZE`).
    pub pool_size: u32,
    /// How long a request waits for a database connection (`WARREN_DB_POOL_TIMEOUT_MS`).
    pub pool_timeout: Duration,
    /// Sign-in attempts allowed per minute per client address and per account
    /// (`WARREN_LOGIN_ATTEMPTS_PER_MINUTE`).
    pub login_attempts_per_minute: u32,
    /// Public directory requests allowed per minute per client address
    /// (`WARREN_PUBLIC_REQUESTS_PER_MINUTE`).
    pub public_requests_per_minute: u32,
    /// Public directory requests allowed per minute per partner API key
    /// (`WARREN_PARTNER_REQUESTS_PER_MINUTE`).
    pub partner_requests_per_minute: u32,
    /// Organization applications allowed an hour per client address and per
    /// e-mail address (`WARREN_APPLICATIONS_PER_HOUR`).
    pub applications_per_hour: u32,
    /// The reverse proxies whose forwarding header names the client
    /// (`WARREN_TRUSTED_PROXIES`, `WARREN_FORWARDED_HEADER`).
    pub trusted_proxies: crate::edge::TrustedProxies,
    /// Where Prometheus reads `/metrics`.
    pub metrics: MetricsSettings,
    /// How often background jobs (escalation, webhook delivery) run
    /// (`WARREN_JOB_INTERVAL_MS`, default 5000).
    pub job_interval: Duration,
    /// The first wait before retrying a failed webhook delivery; later waits
    /// grow from it (see `warren_store::webhooks::retry_delay`)
    /// (`WARREN_WEBHOOK_RETRY_BASE_MS`, default 10000).
    pub webhook_retry_base: Duration,
    /// Whether webhooks may be sent to loopback, private, link-local and
    /// other non-public addresses. Off by default, so that an organization
    /// cannot make Warren call into the network it runs in.
    pub webhooks_to_private_addresses: bool,
    /// HTTP worker threads (`WARREN_WORKERS`).
    pub workers: usize,
    /// How e-mail leaves Warren.
    pub mail: MailSettings,
    /// Where the files attached to cases are kept.
    pub files: FileSettings,
    /// Whether this is the demo (`warren serve --demo`): with no SMTP
    /// server, the demo mailbox page shows the e-mails Warren sent.
    pub demo: bool,
}

/// Who may read `/metrics`. The counters say how busy each route is and how
/// many alerts went out, which is nobody's business outside the people
/// running Warren, so they are not public on the app's port.
#[derive(Clone, Default)]
pub struct MetricsSettings {
    /// A separate address serving only `/metrics` (`WARREN_METRICS_ADDR`),
    /// e.g. `127.0.0.1:9090` or an address only the monitoring network
    /// reaches. Without a token, anyone who reaches it may read.
    pub addr: Option<String>,
    /// A bearer token (`WARREN_METRICS_TOKEN`): with it, `/metrics` on the
    /// app's port (and on the separate address) answers to
    /// `Authorization: Bearer <token>` only.
    pub token: Option<String>,
}

impl std::fmt::Debug for MetricsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsSettings")
            .field("addr", &self.addr)
            .field("token", &self.token.as_ref().map(|_| "configured"))
            .finish()
    }
}

/// Where the files attached to cases are kept: an S3-compatible bucket when
/// `object_store_url` is set (the choice for several replicas, which must
/// all see the same files), else a folder under the data directory.
#[derive(Debug, Clone)]
pub struct FileSettings {
    /// `s3://bucket` (`WARREN_OBJECT_STORE_URL`); `AWS_*` variables say how
    /// to reach it.
    pub object_store_url: Option<String>,
    /// Settings of the bucket's client beyond the `AWS_*` variables
    /// (`aws_endpoint`, `aws_allow_http`, …), as `object_store` names them.
    pub object_store_options: Vec<(String, String)>,
    /// The folder used without a bucket.
    pub folder: PathBuf,
    /// The largest file kept (`WARREN_MAX_UPLOAD_BYTES`).
    pub max_bytes: u64,
    /// How old a stored object must be before the sweep may remove it when
    /// no file names it: longer than any upload takes between storing its
    /// bytes and committing its row.
    pub sweep_age: Duration,
}

/// How e-mail leaves Warren: through an SMTP server, or into a mailbox
/// folder when none is configured (so nothing breaks and a newcomer can
/// read what Warren would have sent).
#[derive(Clone)]
pub struct MailSettings {
    /// The SMTP server (`WARREN_SMTP_URL`), e.g.
    /// `smtp://user:pass@mail.example.org:587?tls=required` (STARTTLS),
    /// `smtps://user:pass@mail.example.org` (TLS) or `smtp://127.0.0.1:25`
    /// (plain, for a relay on the same host). `None`: the mailbox folder.
    pub smtp_url: Option<String>,
    /// A PEM file of extra certificate authorities to trust for the SMTP
    /// server's certificate (`WARREN_SMTP_CA_FILE`), for a private CA.
    pub smtp_ca_file: Option<PathBuf>,
    /// The sender (`WARREN_MAIL_FROM`), e.g. `Warren <alerts@network.example>`.
    pub from: Option<String>,
    /// The folder e-mails go to without an SMTP server
    /// (`$WARREN_DATA_DIR/mailbox`).
    pub mailbox_dir: PathBuf,
    /// The first wait before retrying a message the server did not take
    /// (`WARREN_MAIL_RETRY_BASE_MS`, default 10000).
    pub retry_base: Duration,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold the SMTP password.
        f.debug_struct("MailSettings")
            .field("smtp", &self.smtp_url.as_ref().map(|_| "configured"))
            .field("from", &self.from)
            .field("mailbox_dir", &self.mailbox_dir)
            .finish_non_exhaustive()
    }
}

/// How access and refresh tokens are made.
#[derive(Clone)]
pub struct TokenSettings {
    /// The secret signing new access tokens.
    pub active_secret: String,
    /// Older secrets whose tokens are still accepted while keys rotate.
    pub previous_secrets: Vec<String>,
    /// Lifetime of an access token.
    pub access_ttl: Duration,
    /// Lifetime of a refresh token.
    pub refresh_ttl: Duration,
    /// How long after a refresh token is used it is still honoured (with a
    /// fresh pair in the same sign-in) instead of being taken for a replay:
    /// several tabs of one browser, or a retry after a lost response,
    /// present the same token within moments. Zero turns it off.
    pub refresh_grace: Duration,
    /// The `iss` and `aud` of every token.
    pub issuer: String,
}

impl std::fmt::Debug for TokenSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSettings")
            .field("access_ttl", &self.access_ttl)
            .field("refresh_ttl", &self.refresh_ttl)
            .field("refresh_grace", &self.refresh_grace)
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

fn number<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T> {
    match var(name) {
        Some(text) => text
            .trim()
            .parse()
            .ok()
            .with_context(|| format!("{name} must be a whole number, not {text:?}")),
        None => Ok(default),
    }
}

fn flag(name: &str) -> anyhow::Result<bool> {
    match var(name)
        .map(|text| text.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("false" | "0" | "no") => Ok(false),
        Some("true" | "1" | "yes") => Ok(true),
        Some(text) => anyhow::bail!("{name} must be true or false, not {text:?}"),
    }
}

impl Config {
    /// Reads the configuration from the environment:
    ///
    /// | variable | default | meaning |
    /// |---|---|---|
    /// | `DATABASE_URL` | `$WARREN_DATA_DIR/warren.db` | `postgres://…` for PostgreSQL, else a SQLite file |
    /// | `WARREN_DATA_DIR` | `./warren-data` | folder for the SQLite file and the generated signing key |
    /// | `WARREN_ADDR` | `127.0.0.1:8080` | address to listen on |
    /// | `WARREN_WEB_DIR` | `web/dist` | the built SPA |
    /// | `WARREN_PUBLIC_URL` | `http://<WARREN_ADDR>` | base of links Warren hands out (invitations) |
    /// | `WARREN_JWT_SECRET` | generated into `$WARREN_DATA_DIR/jwt-secret` | signs access tokens; set it (≥ 32 chars) when running several replicas |
    /// | `WARREN_JWT_PREVIOUS_SECRETS` | none | comma-separated old secrets still accepted while rotating |
    /// | `WARREN_ACCESS_TOKEN_TTL_SECS` | `900` | access token lifetime |
    /// | `WARREN_REFRESH_TOKEN_TTL_SECS` | `2592000` (30 days) | refresh token lifetime |
    /// | `WARREN_REFRESH_GRACE_SECS` | `10` | how long a just-used refresh token is still honoured (tabs refreshing together); `0` treats every second use as a replay |
    /// | `WARREN_DB_POOL_SIZE` | `10` | most database connections |
    /// | `WARREN_DB_POOL_TIMEOUT_MS` | `5000` | wait for a connection before answering 503 |
    /// | `WARREN_LOGIN_ATTEMPTS_PER_MINUTE` | `10` | sign-in attempts per client address and per account |
    /// | `WARREN_PUBLIC_REQUESTS_PER_MINUTE` | `120` | public directory requests per client address |
    /// | `WARREN_PARTNER_REQUESTS_PER_MINUTE` | `1200` | public directory requests per partner API key |
    /// | `WARREN_APPLICATIONS_PER_HOUR` | `10` | organization applications per client address and per e-mail address |
    /// | `WARREN_TRUSTED_PROXIES` | none | addresses and CIDR networks of the reverse proxies in front of Warren; only from them is the forwarding header believed (its right-most hop that is not a listed proxy is the client) |
    /// | `WARREN_FORWARDED_HEADER` | `x-forwarded-for` | the header those proxies write: `x-forwarded-for` or `forwarded` (RFC 7239) |
    /// | `WARREN_METRICS_TOKEN` | none | bearer token Prometheus sends for `/metrics`; without it and without `WARREN_METRICS_ADDR`, `/metrics` is not served |
    /// | `WARREN_METRICS_ADDR` | none | a separate address serving only `/metrics` (also checked against the token when one is set) |
    /// | `WARREN_JOB_INTERVAL_MS` | `5000` | how often escalation and webhook delivery run |
    /// | `WARREN_WEBHOOK_RETRY_BASE_MS` | `10000` | first wait before retrying a failed webhook delivery; then 3×, 12×, 60×, 360× and 2160× it (10 s, 30 s, 2 min, 10 min, 1 h, 6 h); given up after 8 attempts |
    /// | `WARREN_WEBHOOKS_TO_PRIVATE_ADDRESSES` | `false` | `true` lets webhooks reach loopback, private and link-local addresses (a receiver inside the network Warren runs in) |
    /// | `WARREN_SMTP_URL` | none: e-mails go to `$WARREN_DATA_DIR/mailbox` | `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtps://user:pass@host` (TLS), `smtp://host:25` (plain) |
    /// | `WARREN_SMTP_CA_FILE` | none | PEM file of extra authorities to trust for the SMTP server |
    /// | `WARREN_MAIL_FROM` | `Warren <warren@HOST>` (HOST of the public URL) | sender of every e-mail |
    /// | `WARREN_MAIL_RETRY_BASE_MS` | `10000` | first wait before retrying an e-mail the server did not take; then 2×, 6×, 30×, 120× and 360× it; failed after 8 attempts |
    /// | `WARREN_OBJECT_STORE_URL` | none: files go to `$WARREN_DATA_DIR/files` | an S3-compatible bucket, `s3://bucket` (credentials, region and endpoint from the usual `AWS_*` variables; `AWS_ENDPOINT` for a server other than Amazon's, `AWS_ALLOW_HTTP=true` for one without TLS) |
    /// | `WARREN_MAX_UPLOAD_BYTES` | `26214400` (25 MB) | largest file attached to a case |
    /// | `WARREN_WORKERS` | number of CPUs | HTTP worker threads |
    /// | `RUST_LOG` | `info` | log filter |
    pub fn from_env() -> anyhow::Result<Self> {
        let data_dir =
            PathBuf::from(var("WARREN_DATA_DIR").unwrap_or_else(|| "warren-data".into()));
        let database_url = var("DATABASE_URL")
            .unwrap_or_else(|| data_dir.join("warren.db").to_string_lossy().into_owned());
        let addr = var("WARREN_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into());
        let active_secret = match var("WARREN_JWT_SECRET") {
            Some(secret) if secret.len() >= 32 => secret,
            Some(_) => anyhow::bail!("WARREN_JWT_SECRET must be at least 32 characters"),
            None => generated_secret(&data_dir)?,
        };
        Ok(Self {
            database_url,
            addr,
            web_dir: PathBuf::from(var("WARREN_WEB_DIR").unwrap_or_else(|| "web/dist".into())),
            public_url: var("WARREN_PUBLIC_URL"),
            tokens: TokenSettings {
                active_secret,
                previous_secrets: var("WARREN_JWT_PREVIOUS_SECRETS")
                    .map(|list| list.split(',').map(|s| s.trim().to_owned()).collect())
                    .unwrap_or_default(),
                access_ttl: Duration::from_secs(number("WARREN_ACCESS_TOKEN_TTL_SECS", 900)?),
                refresh_ttl: Duration::from_secs(number(
                    "WARREN_REFRESH_TOKEN_TTL_SECS",
                    2_592_000,
                )?),
                refresh_grace: Duration::from_secs(number("WARREN_REFRESH_GRACE_SECS", 10)?),
                issuer: "warren".into(),
            },
            pool_size: number("WARREN_DB_POOL_SIZE", 10)?,
            pool_timeout: Duration::from_millis(number("WARREN_DB_POOL_TIMEOUT_MS", 5000)?),
            login_attempts_per_minute: number("WARREN_LOGIN_ATTEMPTS_PER_MINUTE", 10)?,
            public_requests_per_minute: number("WARREN_PUBLIC_REQUESTS_PER_MINUTE", 120)?,
            partner_requests_per_minute: number("WARREN_PARTNER_REQUESTS_PER_MINUTE", 1200)?,
            applications_per_hour: number("WARREN_APPLICATIONS_PER_HOUR", 10)?,
            trusted_proxies: crate::edge::TrustedProxies::parse(
                &var("WARREN_TRUSTED_PROXIES").unwrap_or_default(),
                var("WARREN_FORWARDED_HEADER")
                    .map(|name| name.parse())
                    .transpose()
                    .map_err(|error: String| anyhow::anyhow!("WARREN_FORWARDED_HEADER: {error}"))?
                    .unwrap_or_default(),
            )
            .map_err(|error| anyhow::anyhow!("WARREN_TRUSTED_PROXIES: {error}"))?,
            metrics: MetricsSettings {
                addr: var("WARREN_METRICS_ADDR"),
                token: var("WARREN_METRICS_TOKEN"),
            },
            job_interval: Duration::from_millis(number("WARREN_JOB_INTERVAL_MS", 5000)?),
            webhook_retry_base: Duration::from_millis(number(
                "WARREN_WEBHOOK_RETRY_BASE_MS",
                10_000,
            )?),
            webhooks_to_private_addresses: flag("WARREN_WEBHOOKS_TO_PRIVATE_ADDRESSES")?,
            workers: number(
                "WARREN_WORKERS",
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )?,
            mail: MailSettings {
                smtp_url: var("WARREN_SMTP_URL"),
                smtp_ca_file: var("WARREN_SMTP_CA_FILE").map(PathBuf::from),
                from: var("WARREN_MAIL_FROM"),
                mailbox_dir: data_dir.join("mailbox"),
                retry_base: Duration::from_millis(number("WARREN_MAIL_RETRY_BASE_MS", 10_000)?),
            },
            files: FileSettings {
                object_store_url: var("WARREN_OBJECT_STORE_URL"),
                object_store_options: vec![],
                folder: data_dir.join("files"),
                max_bytes: number(
                    "WARREN_MAX_UPLOAD_BYTES",
                    warren_domain::attachments::DEFAULT_MAX_BYTES,
                )?,
                sweep_age: Duration::from_secs(3600),
            },
            demo: false,
            data_dir,
        })
    }

    /// The base of links handed out, without a trailing slash.
    pub fn public_url(&self, bound: &str) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{bound}"))
            .trim_end_matches('/')
            .to_owned()
    }
}

/// A signing secret kept in the data folder, made on first start.
fn generated_secret(data_dir: &std::path::Path) -> anyhow::Result<String> {
    use base64::Engine;
    let path = data_dir.join("jwt-secret");
    if let Ok(secret) = std::fs::read_to_string(&path)
        && secret.trim().len() >= 32
    {
        return Ok(secret.trim().to_owned());
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create the data folder {}", data_dir.display()))?;
    let secret =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 48]>());
    std::fs::write(&path, &secret).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(secret)
}
