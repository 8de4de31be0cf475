//! Where things are: the workspace root, cargo's target directory and the paths derived from
//! them. Asked of `cargo metadata`, so `CARGO_TARGET_DIR` and `.cargo/config.toml` are honoured.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

/// The Warren workspace on disk.
pub struct Workspace {
    /// The directory holding the workspace's Cargo.toml.
    pub root: PathBuf,
    /// Cargo's target directory (usually `<root>/target`).
    pub target_dir: PathBuf,
}

impl Workspace {
    /// Finds the workspace this tool belongs to.
    pub fn locate() -> Result<Self> {
        // The checkout `cargo xtask` is run in, found from the current directory (a subdirectory
        // works too), so two checkouts sharing one target directory, and so one xtask binary,
        // each build and test their own sources. Run from elsewhere, the checkout xtask was built
        // from: it lives at <root>/crates/xtask.
        let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let start = std::env::current_dir()
            .ok()
            .filter(|dir| {
                dir.ancestors()
                    .any(|ancestor| ancestor.join("crates/xtask/Cargo.toml").is_file())
            })
            .unwrap_or_else(|| manifest_dir.to_path_buf());
        let output = Command::new(cargo())
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .current_dir(start)
            .stderr(std::process::Stdio::inherit())
            .output()
            .context("could not run `cargo metadata`; is cargo on PATH?")?;
        anyhow::ensure!(
            output.status.success(),
            "`cargo metadata` failed ({}); fix the workspace's Cargo.toml files first",
            output.status
        );
        let metadata: serde_json::Value =
            serde_json::from_slice(&output.stdout).context("`cargo metadata` printed bad JSON")?;
        let path = |key: &str| -> Result<PathBuf> {
            metadata[key]
                .as_str()
                .map(PathBuf::from)
                .with_context(|| format!("`cargo metadata` did not report `{key}`"))
        };
        Ok(Self {
            root: path("workspace_root")?,
            target_dir: path("target_directory")?,
        })
    }

    /// A `cargo` command run at the workspace root.
    pub fn cargo(&self) -> Command {
        let mut command = Command::new(cargo());
        command.current_dir(&self.root);
        command
    }

    /// Where `cargo build --release` puts the server: `<target>/release/warren`.
    pub fn release_server(&self) -> PathBuf {
        self.target_dir.join("release").join("warren")
    }

    /// Builds the server in release mode and returns where it is.
    pub fn build_release_server(&self) -> anyhow::Result<PathBuf> {
        crate::shell::run(self.cargo().args([
            "build",
            "--release",
            "--package",
            "warren-api",
            "--bin",
            "warren",
        ]))
        .map_err(|error| error.context("building the server failed; see above"))?;
        Ok(self.release_server())
    }

    /// Where the built browser app goes: `<root>/web/dist`.
    pub fn web_dist(&self) -> PathBuf {
        self.root.join("web").join("dist")
    }
}

/// The cargo that runs us (cargo sets `CARGO`), so nested builds use the same toolchain.
fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}
