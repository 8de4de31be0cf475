//! `cargo xtask openapi`: writes the API's OpenAPI document to `openapi.yaml` at the
//! workspace root.

use std::fs;

use anyhow::{Context, Result};

use crate::shell;
use crate::workspace::Workspace;

/// Runs `warren openapi` and saves what it prints.
pub fn run(ws: &Workspace) -> Result<()> {
    let yaml = shell::output(ws.cargo().args([
        "run",
        "--quiet",
        "--package",
        "warren-api",
        "--bin",
        "warren",
        "--",
        "openapi",
    ]))
    .context("could not produce the OpenAPI document; see above")?;
    let path = ws.root.join("openapi.yaml");
    fs::write(&path, yaml).with_context(|| format!("could not write {}", path.display()))?;
    eprintln!("xtask: wrote {}", path.display());
    Ok(())
}
