//! `cargo xtask test`: everything the test suite needs on a fresh Debian machine with only Rust
//! installed — Chromium and chromedriver, PostgreSQL, an SMTP server, an S3-compatible server,
//! axe-core, the tools the contract test runs on `openapi.yaml`, the built browser app — then
//! `cargo test` over the whole workspace.

use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::postgres;
use crate::shell;
use crate::system::{self, Apt};
use crate::web::{self, Binaryen, Profile};
use crate::workspace::Workspace;

/// Sets the machine up, builds the app and runs `cargo test`, passing `cargo_args` on. Returns
/// cargo's exit status.
pub fn run(ws: &Workspace, cargo_args: &[String]) -> Result<ExitCode> {
    let mut apt = Apt::new();
    let (chromium, chromedriver) = browser(&mut apt)?;
    smtp_server(&mut apt)?;
    let s3_server = s3_server(ws, &mut apt)?;
    accessibility_checker(ws, &mut apt)?;
    let python_client_generator = contract_tools(ws, &mut apt)?;

    let database_url = std::env::var("WARREN_TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| postgres::DEFAULT_URL.to_owned());
    postgres::ensure(&database_url, &mut apt)?;

    // The release build, so the browser test exercises what users get.
    let web_dir = web::build(ws, Profile::Release, Binaryen::TryInstall)?;

    let artifacts = ws.target_dir.join("artifacts");
    fs::create_dir_all(&artifacts)
        .with_context(|| format!("could not create {}", artifacts.display()))?;

    let mut command = ws.cargo();
    if std::env::var_os("RUST_TEST_THREADS").is_none() {
        command.env("RUST_TEST_THREADS", test_threads().to_string());
    }
    command
        .args(["test", "--workspace", "--exclude", "warren-web"])
        .args(cargo_args)
        .env("WARREN_WEB_DIR", &web_dir)
        .env("CHROMIUM", &chromium)
        .env("CHROMEDRIVER", &chromedriver)
        .env("WARREN_TEST_DATABASE_URL", &database_url)
        .env("WARREN_TEST_S3_SERVER", &s3_server)
        .env(
            "WARREN_TEST_OPENAPI_PYTHON_CLIENT",
            &python_client_generator,
        )
        .env("WARREN_ARTIFACTS_DIR", &artifacts);
    let status = shell::status(&mut command)?;
    if status.success() {
        eprintln!("xtask: all tests passed");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "xtask: tests failed ({status}); screenshots and logs, if any, are in {}",
            artifacts.display()
        );
        let code = status
            .code()
            .and_then(|c| u8::try_from(c).ok())
            .unwrap_or(1);
        Ok(ExitCode::from(code.max(1)))
    }
}

/// How many tests run at once: twice the cores. The end-to-end tests spend most of their time
/// waiting — on a browser, a server, a job's next turn — and with one test per core the CPU sat
/// two-thirds idle through them (measured with `vmstat` on a 2-core machine), so two per core
/// finish the suite sooner without starving any. `RUST_TEST_THREADS`, when set, wins.
fn test_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |cores| cores.get() * 2)
}

/// Installs axe-core, which the accessibility browser test loads into each
/// page, from the npm registry at the version and checksum
/// `tests/browser/package-lock.json` pins (`npm ci`, no install scripts).
fn accessibility_checker(ws: &Workspace, apt: &mut Apt) -> Result<()> {
    npm_ci(
        ws,
        apt,
        "browser",
        "the accessibility test's checker, axe-core, comes from the npm registry",
    )
    .context("installing axe-core with npm failed; see above")
}

/// Installs what the contract test runs on the committed `openapi.yaml`:
/// Redocly's linter, openapi-typescript and the TypeScript compiler at the
/// versions and checksums `tests/contract/package-lock.json` pins (`npm ci`,
/// no install scripts); openapi-python-client from PyPI at a pinned version
/// in a virtual environment under the target folder; and Debian's PyYAML, the
/// YAML 1.1 reader the document must read the same in. Returns
/// `openapi-python-client`'s path.
fn contract_tools(ws: &Workspace, apt: &mut Apt) -> Result<PathBuf> {
    npm_ci(
        ws,
        apt,
        "contract",
        "the contract test lints openapi.yaml and builds a TypeScript client with tools from \
         the npm registry",
    )
    .context("installing the contract test's npm tools failed; see above")?;
    system_python_module(
        apt,
        "yaml",
        "python3-yaml",
        "the contract test reads openapi.yaml as a YAML 1.1 reader (PyYAML) does",
    )?;
    let venv = python_tools(
        ws,
        apt,
        "openapi-python-client",
        &["openapi-python-client==0.29.1"],
        "the contract test generates a Python client from openapi.yaml",
    )?;
    Ok(venv.join("bin").join("openapi-python-client"))
}

/// `npm ci --ignore-scripts` in `tests/<folder>`, installing npm first when
/// it is missing.
fn npm_ci(ws: &Workspace, apt: &mut Apt, folder: &str, reason: &str) -> Result<()> {
    if system::find_program("npm").is_none() {
        apt.install(&["npm"], reason)?;
    }
    let npm =
        system::find_program("npm").context("npm is still not on PATH after installing it")?;
    shell::run(
        std::process::Command::new(npm)
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(ws.root.join("tests").join(folder)),
    )
}

/// Debian's Python, which the alert tests run their SMTP server with and the
/// contract test reads YAML with.
const SYSTEM_PYTHON: &str = "/usr/bin/python3";

/// Makes sure Debian's `aiosmtpd` is installed: the alert tests start it as
/// a real SMTP server on 127.0.0.1 and read what Warren sent it.
fn smtp_server(apt: &mut Apt) -> Result<()> {
    system_python_module(
        apt,
        "aiosmtpd",
        "python3-aiosmtpd",
        "the alert tests receive Warren's e-mail with a real SMTP server",
    )
}

/// Makes sure Debian's Python can import `module`, installing `package`
/// when it cannot.
fn system_python_module(apt: &mut Apt, module: &str, package: &str, reason: &str) -> Result<()> {
    let present = || {
        std::process::Command::new(SYSTEM_PYTHON)
            .args(["-c", &format!("import {module}")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    if present() {
        return Ok(());
    }
    apt.install(&[package], reason)?;
    anyhow::ensure!(
        present(),
        "{SYSTEM_PYTHON} still cannot import {module} after installing {package}"
    );
    Ok(())
}

/// The S3-compatible server the attachment tests keep files in: moto's
/// server mode, from PyPI at a pinned version, in a virtual environment under
/// the target folder. Returns `moto_server`'s path.
fn s3_server(ws: &Workspace, apt: &mut Apt) -> Result<PathBuf> {
    let venv = python_tools(
        ws,
        apt,
        "s3-server",
        &["moto[server]==5.2.6"],
        "the attachment tests run an S3-compatible server (moto) from a Python virtual \
         environment",
    )?;
    Ok(venv.join("bin").join("moto_server"))
}

/// A virtual environment `target/<name>` with `packages` (pinned) from PyPI,
/// made once and remade only when the pins change. Returns its folder.
fn python_tools(
    ws: &Workspace,
    apt: &mut Apt,
    name: &str,
    packages: &[&str],
    reason: &str,
) -> Result<PathBuf> {
    let venv = ws.target_dir.join(name);
    // Named after the pins, so that changing one remakes the environment.
    let marker = venv.join(packages.join(" "));
    if marker.exists() {
        return Ok(venv);
    }
    let venv_works = || {
        std::process::Command::new(SYSTEM_PYTHON)
            .args(["-c", "import venv, ensurepip"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    if !venv_works() {
        apt.install(&["python3-venv"], reason)?;
    }
    let _ = fs::remove_dir_all(&venv);
    shell::run(
        std::process::Command::new(SYSTEM_PYTHON)
            .args(["-m", "venv"])
            .arg(&venv),
    )
    .with_context(|| format!("could not make the Python virtual environment {name}"))?;
    shell::run(
        std::process::Command::new(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .args(packages),
    )
    .with_context(|| {
        format!(
            "installing {} from PyPI failed; see above",
            packages.join(" ")
        )
    })?;
    fs::write(&marker, "").with_context(|| format!("could not write {}", marker.display()))?;
    Ok(venv)
}

/// Finds Chromium and chromedriver, installing them (with binaryen, for wasm-opt) when either
/// is missing.
fn browser(apt: &mut Apt) -> Result<(PathBuf, PathBuf)> {
    let find = || {
        (
            system::find_program("chromium"),
            system::find_program("chromedriver"),
        )
    };
    if let (Some(chromium), Some(chromedriver)) = find() {
        return Ok((chromium, chromedriver));
    }
    apt.install(
        &["chromium", "chromium-driver", "binaryen"],
        "the browser tests drive headless Chromium through chromedriver",
    )?;
    match find() {
        (Some(chromium), Some(chromedriver)) => Ok((chromium, chromedriver)),
        _ => anyhow::bail!(
            "chromium and chromedriver are still not on PATH after installing them; put them \
             on PATH and rerun"
        ),
    }
}
