//! `cargo xtask demo`: builds the browser app and the server in release mode, then runs the
//! server with demo data, serving the app.

use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::shell;
use crate::web::{self, Binaryen, Profile};
use crate::workspace::Workspace;

/// Builds everything and runs `warren serve --demo --addr <addr>` until it stops (Ctrl-C).
pub fn run(ws: &Workspace, addr: &str) -> Result<ExitCode> {
    let web_dir = web::build(ws, Profile::Release, Binaryen::TryInstall)?;
    let server = ws.build_release_server()?;
    let mut command = std::process::Command::new(&server);
    command
        .args(["serve", "--demo", "--addr", addr])
        .env("WARREN_WEB_DIR", &web_dir)
        .current_dir(&ws.root);
    shell::announce(&command);
    exec(command).with_context(|| format!("could not start {}", server.display()))
}

/// Replaces this process with the server, so Ctrl-C and the exit status are the server's
/// alone.
#[cfg(unix)]
fn exec(mut command: std::process::Command) -> Result<ExitCode> {
    use std::os::unix::process::CommandExt;
    // `exec` only returns if it failed.
    Err(command.exec().into())
}

/// Runs the server and waits for it. Ctrl-C reaches it too, as it shares our console.
#[cfg(not(unix))]
fn exec(mut command: std::process::Command) -> Result<ExitCode> {
    let status = command.status()?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
