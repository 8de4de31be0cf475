//! The machine itself: programs on `PATH`, Debian packages, root rights and the Rust wasm32
//! target.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::shell;

/// The Rust target the browser app is compiled for.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Finds `name` in the directories of `PATH`, like `command -v`.
pub fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &std::path::Path) -> bool {
    path.is_file()
}

/// Whether we run as root (`id -u` is 0).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// How to get root rights for a command when we are not root.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Sudo {
    /// `sudo` may ask for a password.
    Interactive,
    /// `sudo -n`: fail instead of asking (for optional installs).
    NonInteractive,
}

/// `program` run as root: directly when we are root, through `sudo` otherwise.
pub fn as_root(program: &str, sudo: Sudo) -> Command {
    if is_root() {
        Command::new(program)
    } else {
        let mut command = Command::new("sudo");
        if sudo == Sudo::NonInteractive {
            command.arg("-n");
        }
        command.arg(program);
        command
    }
}

/// Installs Debian packages with apt-get, running `apt-get update` at most once per run.
pub struct Apt {
    updated: bool,
    sudo: Sudo,
}

impl Apt {
    /// An installer that may ask for a sudo password (for packages the task cannot do without).
    pub fn new() -> Self {
        Self {
            updated: false,
            sudo: Sudo::Interactive,
        }
    }

    /// An installer that never asks for a password (for packages that are merely nice to have).
    pub fn non_interactive() -> Self {
        Self {
            updated: false,
            sudo: Sudo::NonInteractive,
        }
    }

    /// Installs `packages`, explaining `why`.
    pub fn install(&mut self, packages: &[&str], why: &str) -> Result<()> {
        if find_program("apt-get").is_none() {
            bail!(
                "{why}, but this machine has no apt-get; install these packages (or your \
                 distribution's equivalents) yourself: {}",
                packages.join(" ")
            );
        }
        if !is_root() && find_program("sudo").is_none() {
            bail!(
                "{why}, but installing packages needs root and sudo is missing; run as root: \
                 apt-get install -y {}",
                packages.join(" ")
            );
        }
        eprintln!("xtask: installing {} ({why})", packages.join(", "));
        if !self.updated {
            shell::run(self.apt_get().arg("update"))
                .context("`apt-get update` failed; check the network and the apt sources")?;
            self.updated = true;
        }
        shell::run(self.apt_get().args(["install", "-y"]).args(packages)).with_context(|| {
            format!(
                "could not install {}; install them by hand and rerun",
                packages.join(" ")
            )
        })
    }

    /// `apt-get` as root that never stops to ask questions. sudo drops the environment, so the
    /// variable goes through `env`.
    fn apt_get(&self) -> Command {
        let mut command = as_root("env", self.sudo);
        command.args(["DEBIAN_FRONTEND=noninteractive", "apt-get"]);
        command
    }
}

/// Makes sure rustup has the wasm32 target, adding it if it is missing.
pub fn ensure_wasm_target() -> Result<()> {
    if find_program("rustup").is_none() {
        eprintln!(
            "xtask: warning: rustup not found; assuming the {WASM_TARGET} target is installed"
        );
        return Ok(());
    }
    let installed = shell::output(Command::new("rustup").args(["target", "list", "--installed"]))
        .context("could not list rustup's installed targets")?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    shell::run(Command::new("rustup").args(["target", "add", WASM_TARGET])).with_context(|| {
        format!("could not add the Rust target; run `rustup target add {WASM_TARGET}`")
    })
}
