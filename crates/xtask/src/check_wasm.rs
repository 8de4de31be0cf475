//! `cargo xtask check-wasm`: proves the browser app and the crates it shares with the server
//! compile for wasm32, and that none of them depends on a server-side crate (database drivers,
//! actix, tokio).
//!
//! It compiles the app as it ships (the `wasm-release` profile), not a `cargo check` of the
//! shared crates: `cargo xtask test` builds exactly that app next, so CI compiles it once, and
//! the shared crates are compiled for wasm32 as part of it.

use std::process::ExitCode;

use anyhow::Result;

use crate::shell;
use crate::system::{self, WASM_TARGET};
use crate::web::{self, Profile};
use crate::workspace::Workspace;

/// The crates that run in the browser: the app and what it shares with the server.
const BROWSER_CRATES: [&str; 4] = [
    web::PACKAGE,
    "warren-domain",
    "warren-wire",
    "warren-client",
];

/// Inspects the browser crates' dependency trees, then compiles the app for wasm32.
pub fn run(ws: &Workspace) -> Result<ExitCode> {
    system::ensure_wasm_target()?;
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
            println!("check-wasm: PASS {package} depends on no server crate");
        } else {
            all_clean = false;
            println!(
                "check-wasm: FAIL {package} depends on server crates: {}",
                offenders.join(", ")
            );
        }
    }
    if !all_clean {
        println!(
            "check-wasm: run `cargo tree -p <package> --target {WASM_TARGET} -i <crate>` to see \
             which dependency brings them in"
        );
        return Ok(ExitCode::FAILURE);
    }
    let wasm = web::cargo_build(ws, Profile::Release)?;
    println!(
        "check-wasm: PASS the browser app compiles for {WASM_TARGET}: {}",
        wasm.display()
    );
    Ok(ExitCode::SUCCESS)
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
