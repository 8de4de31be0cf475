//! A real SMTP server for the tests: Debian's `aiosmtpd`, run as a child
//! process on 127.0.0.1, writing each message it accepts into a Maildir
//! that the tests read. Nothing inside Warren is mocked: Warren speaks SMTP
//! to it as to any mail server.
//!
//! [`SmtpServer::stop`] and [`SmtpServer::start_again`] take it down and
//! bring it back on the same port, for the tests of a mail server that is
//! away for a while.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Debian's Python, which has `aiosmtpd` (`python3-aiosmtpd`); not the
/// pyenv one first on `PATH`.
const PYTHON: &str = "/usr/bin/python3";

/// One message the server accepted.
#[derive(Debug, Clone)]
pub struct Received {
    /// `To`.
    pub to: String,
    /// `Subject`, decoded.
    pub subject: String,
    /// `Message-ID`.
    pub message_id: String,
    /// `X-Warren-Alert`, if the message carries an alert.
    pub alert: Option<String>,
    /// `List-Unsubscribe`, if any.
    pub list_unsubscribe: Option<String>,
    /// The plain-text part, decoded.
    pub text: String,
    /// The HTML part, decoded, if any.
    pub html: Option<String>,
    /// When the file appeared.
    pub arrived: std::time::SystemTime,
    /// The order the server received it in: the Maildir file name's time,
    /// microseconds and counter (file times are too coarse to tell two
    /// messages of one millisecond apart).
    pub order: (u64, u64, u64),
}

impl Received {
    /// The first address in the text starting with `prefix` (e.g.
    /// `http://127.0.0.1:1234/alerts/acknowledge?token=`).
    pub fn link_starting(&self, prefix: &str) -> Option<String> {
        self.text
            .split_whitespace()
            .find(|word| word.starts_with(prefix))
            .map(str::to_owned)
    }

    /// The value of `token=` in the first link containing `path`.
    pub fn token_in(&self, path: &str) -> Option<String> {
        let word = self
            .text
            .split_whitespace()
            .find(|word| word.contains(path))?;
        word.split_once("token=").map(|(_, token)| token.to_owned())
    }
}

/// A running `aiosmtpd` and its Maildir.
pub struct SmtpServer {
    addr: SocketAddr,
    maildir: tempfile::TempDir,
    child: Option<Child>,
    /// With STARTTLS required: the certificate and key it serves.
    tls: Option<(PathBuf, PathBuf)>,
}

impl SmtpServer {
    /// Starts a server on a free port of 127.0.0.1.
    pub fn start() -> Self {
        Self::starting(false)
    }

    /// Starts a server that requires STARTTLS before it takes mail, with a
    /// certificate for `localhost` issued by a certificate authority of its
    /// own ([`SmtpServer::authority`]).
    pub fn start_with_starttls() -> Self {
        Self::starting(true)
    }

    fn starting(tls: bool) -> Self {
        let port = {
            let probe = TcpListener::bind("127.0.0.1:0").expect("a free port");
            probe.local_addr().expect("its address").port()
        };
        let mut server = Self {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            maildir: tempfile::tempdir().expect("a Maildir"),
            child: None,
            tls: None,
        };
        if tls {
            server.tls = Some(certificates(server.maildir.path()));
        }
        server.start_again();
        server
    }

    /// The PEM file of the authority that issued the STARTTLS server's
    /// certificate (for `WARREN_SMTP_CA_FILE`).
    pub fn authority(&self) -> PathBuf {
        self.maildir.path().join("ca.pem")
    }

    /// `smtp://localhost:PORT?tls=required`, for a STARTTLS server.
    pub fn starttls_url(&self) -> String {
        format!("smtp://localhost:{}?tls=required", self.addr.port())
    }

    /// `smtp://127.0.0.1:PORT`, for `WARREN_SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Stops the server; connections are refused until it starts again.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while TcpStream::connect(self.addr).is_ok() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Starts the server (again) on its port, with the same Maildir.
    pub fn start_again(&mut self) {
        self.stop();
        let mut command = Command::new(PYTHON);
        command
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(self.addr.to_string());
        if let Some((certificate, key)) = &self.tls {
            command
                .arg("--tlscert")
                .arg(certificate)
                .arg("--tlskey")
                .arg(key);
        }
        let child = command
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(self.maildir.path().join("mail"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3-aiosmtpd must be installed (cargo xtask test installs it)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(self.addr).is_err() {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not start on {}",
                self.addr
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<Received> {
        let mut messages: Vec<Received> = ["new", "cur"]
            .iter()
            .flat_map(|folder| files(&self.maildir.path().join("mail").join(folder)))
            .filter_map(|path| parse(&path))
            .collect();
        messages.sort_by_key(|message| message.order);
        messages
    }

    /// The messages to `address`.
    pub fn to(&self, address: &str) -> Vec<Received> {
        self.messages()
            .into_iter()
            .filter(|message| message.to.contains(address))
            .collect()
    }

    /// Waits up to ten seconds for a message to `address` whose subject
    /// contains `subject`.
    pub async fn wait_for(&self, address: &str, subject: &str) -> Received {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(message) = self
                .to(address)
                .into_iter()
                .find(|message| message.subject.contains(subject))
            {
                return message;
            }
            assert!(
                Instant::now() < deadline,
                "no e-mail to {address} about {subject:?}; received: {:?}",
                self.messages()
                    .iter()
                    .map(|message| (&message.to, &message.subject))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Makes a certificate authority (`ca.pem`) and a server certificate for
/// `localhost` it issued (`server.pem`, `server.key`) in `folder`, with
/// Debian's `openssl`.
fn certificates(folder: &Path) -> (PathBuf, PathBuf) {
    let run = |args: &[&str]| {
        let status = Command::new("openssl")
            .args(args)
            .current_dir(folder)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("openssl runs");
        assert!(status.success(), "openssl {args:?}");
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=Warren test authority",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    std::fs::write(
        folder.join("server.ext"),
        "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n",
    )
    .expect("the extensions file");
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    (folder.join("server.pem"), folder.join("server.key"))
}

/// The arrival order in a Maildir file name Python's `mailbox` wrote:
/// `SECONDS.M<micros>P<pid>Q<counter>.<host>`.
fn order_of(path: &Path) -> (u64, u64, u64) {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let number = |after: char, until: char| -> u64 {
        name.split_once(after)
            .and_then(|(_, rest)| rest.split(until).next())
            .and_then(|digits| digits.parse().ok())
            .unwrap_or(0)
    };
    let seconds = name
        .split('.')
        .next()
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(0);
    (seconds, number('M', 'P'), number('Q', '.'))
}

fn files(folder: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .collect()
        })
        .unwrap_or_default()
}

fn parse(path: &Path) -> Option<Received> {
    use mailparse::MailHeaderMap;
    let bytes = std::fs::read(path).ok()?;
    let arrived = path.metadata().and_then(|meta| meta.modified()).ok()?;
    let mail = mailparse::parse_mail(&bytes).ok()?;
    let header = |name: &str| mail.headers.get_first_value(name);
    let mut text = String::new();
    let mut html = None;
    let mut parts = vec![&mail];
    while let Some(part) = parts.pop() {
        if part.subparts.is_empty() {
            let body = part.get_body().ok()?;
            match part.ctype.mimetype.as_str() {
                "text/html" => html = Some(body),
                _ => text = body,
            }
        } else {
            parts.extend(part.subparts.iter());
        }
    }
    Some(Received {
        order: order_of(path),
        to: header("To").unwrap_or_default(),
        subject: header("Subject").unwrap_or_default(),
        message_id: header("Message-ID").unwrap_or_default(),
        alert: header("X-Warren-Alert"),
        list_unsubscribe: header("List-Unsubscribe"),
        text,
        html,
        arrived,
    })
}
