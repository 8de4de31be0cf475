//! `cargo xtask check-wasm`: proves the crates the browser app is made of compile for wasm32 and
//! depend on no server-side crate (database drivers, actix, tokio).
//!
//! A `cargo check` is enough: these are libraries, and the app that links them for the browser
//! is built (and run in Chromium) by `cargo xtask test`, so building them here as well only cost
//! CI time.

use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::shell;
use crate::system::{self, WASM_TARGET};
use crate::workspace::Workspace;

/// The crates shared by the server and the browser.
const BROWSER_CRATES: [&str; 3] = ["warren-domain", "warren-wire", "warren-client"];

/// Checks the browser-side crates for wasm32 and inspects their dependency trees.
pub fn run(ws: &Workspace) -> Result<ExitCode> {
    system::ensure_wasm_target()?;
    let mut check = ws.cargo();
    check.args(["check", "--target", WASM_TARGET]);
    for package in BROWSER_CRATES {
        check.args(["--package", package]);
    }
    shell::run(&mut check)
        .context("the browser-side crates do not compile for wasm32; see above")?;

    let mut all_clean = true;
    for package in BROWSER_CRATES {
        let tree = shell::output(ws.cargo().args([
            "tree",
            "--package",
            package,
            "--target",
            WASM_TARGET,
            "--edges",
            "normal",
            "--prefix",
            "none",
        ]))?;
        let mut offenders: Vec<&str> = tree
            .lines()
            .filter_map(|line| line.split_whitespace().next())
            .filter(|name| is_server_crate(name))
            .collect();
        offenders.sort_unstable();
        offenders.dedup();
        if offenders.is_empty() {
            println!("check-wasm: PASS {package}: compiles for {WASM_TARGET}, no server crates");
        } else {
            all_clean = false;
            println!(
                "check-wasm: FAIL {package} depends on server crates: {}",
                offenders.join(", ")
            );
        }
    }
    if all_clean {
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "check-wasm: run `cargo tree -p <package> --target {WASM_TARGET} -i <crate>` to see \
             which dependency brings them in"
        );
        Ok(ExitCode::FAILURE)
    }
}

/// Whether `name` is a crate that has no business in the browser.
fn is_server_crate(name: &str) -> bool {
    name.starts_with("diesel")
        || name.starts_with("actix")
        || name == "tokio"
        || name.starts_with("tokio-")
        || matches!(
            name,
            "mio" | "r2d2" | "libsqlite3-sys" | "pq-sys" | "pq-src"
        )
}

#[cfg(test)]
mod tests {
    use super::is_server_crate;

    #[test]
    fn recognises_server_crates() {
        for name in [
            "diesel",
            "diesel_migrations",
            "actix-web",
            "tokio",
            "tokio-util",
            "mio",
        ] {
            assert!(is_server_crate(name), "{name}");
        }
        for name in [
            "serde",
            "reqwest",
            "wasm-bindgen",
            "tokio_like",
            "warren-domain",
        ] {
            assert!(!is_server_crate(name), "{name}");
        }
    }
}
