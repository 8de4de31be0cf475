//! A real S3-compatible server for the tests: moto's server mode
//! (`moto_server`, from PyPI, which `cargo xtask test` installs into a
//! virtual environment under the target folder and names in
//! `WARREN_TEST_S3_SERVER`), run as a child process on a free port of
//! 127.0.0.1 with one bucket. Warren reaches it through `object_store`'s S3
//! client, signing every request as it would with a cloud bucket.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The bucket every test server gets.
pub const BUCKET: &str = "warren-files";

/// A running `moto_server` with a bucket; stopped when dropped.
pub struct S3Server {
    port: u16,
    child: Child,
}

impl S3Server {
    /// Starts a server on a free port and creates [`BUCKET`].
    pub async fn start() -> Self {
        let program = std::env::var("WARREN_TEST_S3_SERVER").expect(
            "WARREN_TEST_S3_SERVER must name moto_server; `cargo xtask test` installs it and \
             sets it",
        );
        let port = {
            let probe = TcpListener::bind("127.0.0.1:0").expect("a free port");
            probe.local_addr().expect("its address").port()
        };
        let child = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("could not start {program}: {error}"));
        let server = Self { port, child };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not start on {port}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let created = reqwest::Client::new()
            .put(format!("{}/{BUCKET}", server.endpoint()))
            .send()
            .await
            .expect("create the bucket");
        assert!(
            created.status().is_success(),
            "create the bucket: {}",
            created.status()
        );
        server
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The settings that point Warren's object store at this server.
    pub fn settings(&self, folder: std::path::PathBuf) -> warren_api::config::FileSettings {
        warren_api::config::FileSettings {
            object_store_url: Some(format!("s3://{BUCKET}")),
            object_store_options: vec![
                ("aws_endpoint".into(), self.endpoint()),
                ("aws_allow_http".into(), "true".into()),
                ("aws_access_key_id".into(), "testing".into()),
                ("aws_secret_access_key".into(), "testing".into()),
                ("aws_region".into(), "us-east-1".into()),
            ],
            folder,
            max_bytes: warren_domain::attachments::DEFAULT_MAX_BYTES,
            sweep_age: Duration::from_secs(3600),
        }
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
