//! Making sure the PostgreSQL server the tests use is up: start an installed cluster that is
//! stopped, or install PostgreSQL from Debian and let local connections in without a password.

use std::fs;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::shell;
use crate::system::{self, Apt, Sudo};

/// The database the tests use unless `WARREN_TEST_DATABASE_URL` says otherwise.
pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Where Debian keeps one directory per installed PostgreSQL version.
const CONFIG_ROOT: &str = "/etc/postgresql";

/// Makes sure the PostgreSQL server in `url` accepts connections. Only a server on this machine
/// is started or installed; a remote one is merely checked. A URL for another kind of database
/// needs nothing.
pub fn ensure(url: &str, apt: &mut Apt) -> Result<()> {
    let Some((host, port)) = host_and_port(url) else {
        eprintln!("xtask: the test database is not PostgreSQL ({url}); not starting PostgreSQL");
        return Ok(());
    };
    if reachable(&host, port) {
        eprintln!("xtask: PostgreSQL is up at {host}:{port}");
        return Ok(());
    }
    if !matches!(host.as_str(), "127.0.0.1" | "localhost" | "::1" | "[::1]") {
        bail!(
            "PostgreSQL at {host}:{port} (from WARREN_TEST_DATABASE_URL) does not accept \
             connections; start it or point WARREN_TEST_DATABASE_URL elsewhere"
        );
    }

    let installed = system::find_program("pg_ctlcluster").is_some() && !versions()?.is_empty();
    if !installed {
        apt.install(&["postgresql"], "the tests need a PostgreSQL server")?;
    }
    let version = versions()?.pop().with_context(|| {
        format!("PostgreSQL is installed but {CONFIG_ROOT} holds no cluster; create one with `pg_createcluster <version> main`")
    })?;
    if !installed {
        allow_local_connections(&version)?;
    }
    cluster(&version, "start")?;
    if !installed {
        // The cluster may already have been running (Debian starts it on install when it can),
        // in which case `start` did not read the new pg_hba.conf.
        cluster(&version, "reload")?;
    }
    wait_until_reachable(&host, port, Duration::from_secs(20))
}

/// Host and port of a `postgres://` or `postgresql://` URL, defaulting like libpq.
fn host_and_port(url: &str) -> Option<(String, u16)> {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))?;
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, port.parse().ok()?),
        _ => (host_port, 5432),
    };
    let host = if host.is_empty() { "localhost" } else { host };
    Some((host.to_owned(), port))
}

fn reachable(host: &str, port: u16) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = match (host, port).to_socket_addrs() {
        Ok(addrs) => addrs.collect(),
        Err(_) => return false,
    };
    addrs
        .iter()
        .any(|addr| TcpStream::connect_timeout(addr, Duration::from_secs(1)).is_ok())
}

fn wait_until_reachable(host: &str, port: u16, timeout: Duration) -> Result<()> {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if reachable(host, port) {
            eprintln!("xtask: PostgreSQL is up at {host}:{port}");
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    bail!(
        "PostgreSQL did not accept connections at {host}:{port} within {}s; look at \
         /var/log/postgresql/ and start it by hand",
        timeout.as_secs()
    )
}

/// Installed PostgreSQL versions (the directories of /etc/postgresql), oldest first.
fn versions() -> Result<Vec<String>> {
    let root = Path::new(CONFIG_ROOT);
    if !root.is_dir() {
        return Ok(Vec::new());
    }
    let mut versions: Vec<String> = fs::read_dir(root)
        .with_context(|| format!("could not read {CONFIG_ROOT}"))?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join("main").is_dir())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect();
    let number = |v: &String| v.parse::<f64>().unwrap_or(0.0);
    versions.sort_by(|a, b| number(a).total_cmp(&number(b)));
    Ok(versions)
}

/// Runs `pg_ctlcluster <version> main <action>` without going through systemd (which
/// containers and CI machines often lack).
fn cluster(version: &str, action: &str) -> Result<()> {
    let mut command = system::as_root("pg_ctlcluster", Sudo::Interactive);
    command.args(["--skip-systemctl-redirect", version, "main", action]);
    let status = shell::status(&mut command)?;
    // `start` on a running cluster exits with 2 ("Cluster is already running"): that's fine.
    let already_running = action == "start" && status.code() == Some(2);
    if !status.success() && !already_running {
        bail!("`pg_ctlcluster {version} main {action}` failed ({status})");
    }
    Ok(())
}

/// On a PostgreSQL installed just now, lets any user connect from 127.0.0.1 without a
/// password, so the default URL (user `postgres`, no password) works. Only ever done to a fresh
/// installation: an existing setup is the owner's business.
fn allow_local_connections(version: &str) -> Result<()> {
    let hba: PathBuf = [CONFIG_ROOT, version, "main", "pg_hba.conf"]
        .iter()
        .collect();
    let rule = "host all all 127.0.0.1/32 trust";
    let current =
        fs::read_to_string(&hba).with_context(|| format!("could not read {}", hba.display()))?;
    if current.lines().any(|line| line.trim() == rule) {
        return Ok(());
    }
    // The first matching line wins, so the rule goes before every existing one.
    let updated = format!(
        "# Added by `cargo xtask test`: Warren's tests connect without a password.\n{rule}\n{current}"
    );
    eprintln!("xtask: adding `{rule}` to {}", hba.display());
    let mut tee = system::as_root("tee", Sudo::Interactive);
    tee.arg(&hba).stdin(Stdio::piped()).stdout(Stdio::null());
    write_through(tee, updated.as_bytes())
        .with_context(|| format!("could not write {}", hba.display()))
}

/// Runs `command`, feeding `input` to its stdin.
fn write_through(mut command: Command, input: &[u8]) -> Result<()> {
    use std::io::Write;
    shell::announce(&command);
    let mut child = command.spawn().context("could not start the command")?;
    child
        .stdin
        .take()
        .context("no stdin")?
        .write_all(input)
        .context("could not write to the command")?;
    let status = child.wait()?;
    if !status.success() {
        bail!("the command failed ({status})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::host_and_port;

    #[test]
    fn reads_host_and_port() {
        assert_eq!(
            host_and_port("postgres://postgres@127.0.0.1:5432/postgres"),
            Some(("127.0.0.1".into(), 5432))
        );
        assert_eq!(
            host_and_port("postgresql://u:p@db.example:6543/x?sslmode=disable"),
            Some(("db.example".into(), 6543))
        );
        assert_eq!(
            host_and_port("postgres:///warren"),
            Some(("localhost".into(), 5432))
        );
        assert_eq!(host_and_port("sqlite://warren.db"), None);
    }
}
