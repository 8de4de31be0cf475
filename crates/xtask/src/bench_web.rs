//! `cargo xtask bench-web`: how long the browser app takes to become usable
//! and what it downloads first, in headless Chromium, on a desktop and on a
//! phone profile, with a cold cache each time.
//!
//! For each page a fresh browser (its own profile, so nothing is cached and
//! no service worker is installed) opens Warren; pages that need a person
//! start signed in (a refresh token in the browser's storage, as a person
//! who signed in yesterday has) with the cache cleared. A page is *usable*
//! when the element that shows its content is there: the sign-in form, the
//! triage form, the volunteer's transports, the directory's results. The
//! time is from the start of the navigation, read in the page
//! (`performance.now()` when a `MutationObserver` first sees the element);
//! the bytes are what the browser received over the network until then
//! (`transferSize`: compressed bodies and headers), the app's files apart
//! from the API's answers.
//!
//! Profiles: *desktop*, no throttling; *phone*, Chromium's emulation of a
//! mid-range phone on a weak signal: CPU 4× slower, 10 Mbit/s down, 5 Mbit/s
//! up, 40 ms round trip.
//!
//! Without `--url` it builds the app and the server in release mode and runs
//! `warren serve --demo` on the embedded database in a scratch folder; with
//! it, it measures the Warren at that address, which must hold the demo
//! network (its accounts sign in).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

use crate::shell;
use crate::system::{self, Apt};
use crate::web::{self, Binaryen, Profile};
use crate::workspace::Workspace;

/// The password of every demo account.
const DEMO_PASSWORD: &str = "burrow-demo-2026";

/// What `cargo xtask bench-web` was asked.
pub struct Options {
    /// A running Warren with the demo network; `None` starts one.
    pub url: Option<String>,
    /// Cold visits per page and profile; the table gives the median.
    pub runs: usize,
    /// Print the requests of each median visit, with when each started and ended.
    pub waterfall: bool,
}

/// How the browser is held back.
struct Device {
    name: &'static str,
    /// How many times slower the CPU runs (1 = as it is).
    cpu_slowdown: f64,
    /// `(round trip ms, download bytes/s, upload bytes/s)`, or none.
    network: Option<(u64, u64, u64)>,
    /// The window's width and height.
    window: (u32, u32),
}

const DEVICES: [Device; 2] = [
    Device {
        name: "desktop",
        cpu_slowdown: 1.0,
        network: None,
        window: (1280, 900),
    },
    Device {
        name: "phone",
        cpu_slowdown: 4.0,
        network: Some((40, 10_000_000 / 8, 5_000_000 / 8)),
        window: (390, 844),
    },
];

/// A page and what shows it is usable.
struct Page {
    path: &'static str,
    /// The demo account it is opened as, or nobody.
    person: Option<&'static str>,
    /// The CSS selector of its content.
    usable: &'static str,
}

const PAGES: [Page; 4] = [
    Page {
        path: "/sign-in",
        person: None,
        usable: "#email",
    },
    Page {
        path: "/triage",
        person: Some("vet@harbourside.demo"),
        usable: "#species",
    },
    Page {
        path: "/volunteer",
        person: Some("volunteer@smallpaws.demo"),
        usable: "[data-testid=no-unassigned], [data-testid=transport-job], [data-testid=no-profile]",
    },
    Page {
        path: "/directory",
        person: Some("vet@harbourside.demo"),
        usable: "ol.hits li",
    },
];

/// One cold visit.
struct Visit {
    usable_ms: f64,
    app_bytes: u64,
    api_bytes: u64,
    requests: usize,
    /// Each request until the page was usable: its path, when it started and ended (ms from the
    /// start of the navigation) and its bytes.
    timeline: Vec<(String, f64, f64, u64)>,
}

/// Runs the benchmark and prints its table.
pub fn run(ws: &Workspace, options: &Options) -> Result<ExitCode> {
    let (chromium, chromedriver) = browser_programs()?;
    let mut server = None;
    let url = match &options.url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => {
            let (url, child) = start_demo(ws)?;
            server = Some(ServerProcess(child));
            url
        }
    };
    let driver = Driver::start(&chromedriver)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let result = runtime.block_on(measure_all(&driver, &chromium, &url, options));
    drop(server);
    let rows = result?;
    println!();
    println!(
        "{:<12} {:<8} {:>12} {:>12} {:>12} {:>10} {:>9}",
        "page", "device", "usable ms", "min–max ms", "app KB", "API KB", "requests"
    );
    for (page, device, visits) in &rows {
        let mut times: Vec<f64> = visits.iter().map(|visit| visit.usable_ms).collect();
        times.sort_by(f64::total_cmp);
        let median = |values: &[f64]| values[values.len() / 2];
        let mut app: Vec<f64> = visits.iter().map(|visit| visit.app_bytes as f64).collect();
        app.sort_by(f64::total_cmp);
        let mut api: Vec<f64> = visits.iter().map(|visit| visit.api_bytes as f64).collect();
        api.sort_by(f64::total_cmp);
        println!(
            "{:<12} {:<8} {:>12.0} {:>12} {:>12.1} {:>10.1} {:>9}",
            page,
            device,
            median(&times),
            format!("{:.0}–{:.0}", times[0], times[times.len() - 1]),
            median(&app) / 1024.0,
            median(&api) / 1024.0,
            visits[visits.len() / 2].requests
        );
    }
    if options.waterfall {
        for (page, device, visits) in &rows {
            let mut by_time: Vec<&Visit> = visits.iter().collect();
            by_time.sort_by(|a, b| a.usable_ms.total_cmp(&b.usable_ms));
            let median = by_time[by_time.len() / 2];
            println!(
                "\n{page} on {device}, usable at {:.0} ms:",
                median.usable_ms
            );
            for (path, start, end, bytes) in &median.timeline {
                println!(
                    "  {start:>7.0} → {end:>7.0} ms {:>8.1} KB  {path}",
                    *bytes as f64 / 1024.0
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

type Row = (&'static str, &'static str, Vec<Visit>);

async fn measure_all(
    driver: &Driver,
    chromium: &Path,
    url: &str,
    options: &Options,
) -> Result<Vec<Row>> {
    let mut refresh_tokens = std::collections::HashMap::new();
    let mut rows = Vec::new();
    for page in &PAGES {
        for device in &DEVICES {
            let mut visits = Vec::new();
            for _ in 0..options.runs.max(1) {
                let visit = visit(driver, chromium, url, page, device, &mut refresh_tokens).await?;
                eprintln!(
                    "xtask: {} on {}: usable after {:.0} ms, {:.1} KB of app",
                    page.path,
                    device.name,
                    visit.usable_ms,
                    visit.app_bytes as f64 / 1024.0
                );
                visits.push(visit);
            }
            rows.push((page.path, device.name, visits));
        }
    }
    Ok(rows)
}

/// One cold visit of `page` on `device`. `refresh_tokens` holds each demo
/// account's latest refresh token: each is single-use, so the one the app
/// leaves behind signs the next visit in, and the sign-in limit is not hit.
async fn visit(
    driver: &Driver,
    chromium: &Path,
    url: &str,
    page: &Page,
    device: &Device,
    refresh_tokens: &mut std::collections::HashMap<&'static str, String>,
) -> Result<Visit> {
    let browser = driver.session(chromium, device.window).await?;
    let outcome = async {
        if let Some(person) = page.person {
            // A page of Warren that starts no app, to reach its storage.
            browser.goto(&format!("{url}/healthz")).await?;
            let token = match refresh_tokens.get(person) {
                Some(token) => token.clone(),
                None => sign_in(url, person).await?,
            };
            browser
                .execute(
                    "localStorage.setItem('warren.refresh_token', arguments[0]);",
                    vec![json!(token)],
                )
                .await?;
            cdp(&browser, "Network.clearBrowserCache", json!({})).await?;
        }
        cdp(
            &browser,
            "Emulation.setCPUThrottlingRate",
            json!({ "rate": device.cpu_slowdown }),
        )
        .await?;
        if let Some((latency, download, upload)) = device.network {
            cdp(&browser, "Network.enable", json!({})).await?;
            cdp(
                &browser,
                "Network.emulateNetworkConditions",
                json!({
                    "offline": false,
                    "latency": latency,
                    "downloadThroughput": download,
                    "uploadThroughput": upload,
                }),
            )
            .await?;
        }
        let watcher = format!(
            "(() => {{
               const selector = {selector};
               const check = () => {{
                 if (!window.__warrenUsableAt && document.querySelector(selector)) {{
                   window.__warrenUsableAt = performance.now();
                 }}
               }};
               new MutationObserver(check).observe(document, {{ childList: true, subtree: true }});
             }})();",
            selector = json!(page.usable)
        );
        cdp(
            &browser,
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": watcher }),
        )
        .await?;
        browser.goto(&format!("{url}{}", page.path)).await?;
        let deadline = Instant::now() + Duration::from_secs(90);
        let usable_ms = loop {
            let at = browser
                .execute("return window.__warrenUsableAt || null;", vec![])
                .await?;
            if let Some(at) = at.as_f64() {
                break at;
            }
            if Instant::now() > deadline {
                bail!("{} did not become usable within 90 s", page.path);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let entries = browser
            .execute(
                "const until = window.__warrenUsableAt;
                 return performance.getEntriesByType('navigation')
                   .concat(performance.getEntriesByType('resource'))
                   .filter((entry) => entry.startTime <= until)
                   .map((entry) => [new URL(entry.name).pathname, entry.transferSize,
                                    entry.startTime, entry.responseEnd]);",
                vec![],
            )
            .await?;
        let mut visit = Visit {
            usable_ms,
            app_bytes: 0,
            api_bytes: 0,
            requests: 0,
            timeline: Vec::new(),
        };
        for entry in entries.as_array().into_iter().flatten() {
            let path = entry[0].as_str().unwrap_or_default();
            let bytes = entry[1].as_u64().unwrap_or(0);
            visit.requests += 1;
            visit.timeline.push((
                path.to_owned(),
                entry[2].as_f64().unwrap_or(0.0),
                entry[3].as_f64().unwrap_or(0.0),
                bytes,
            ));
            if path.starts_with("/api/") {
                visit.api_bytes += bytes;
            } else {
                visit.app_bytes += bytes;
            }
        }
        if let Some(person) = page.person {
            // Wait for the app to have stored the token it was given in exchange.
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                let stored = browser
                    .execute(
                        "return localStorage.getItem('warren.refresh_token');",
                        vec![],
                    )
                    .await?;
                if let Some(token) = stored.as_str()
                    && refresh_tokens.get(person).is_none_or(|old| old != token)
                {
                    refresh_tokens.insert(person, token.to_owned());
                    break;
                }
                if Instant::now() > deadline {
                    bail!("the app kept no refresh token for {person}");
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        Ok::<_, anyhow::Error>(visit)
    }
    .await;
    let _ = browser.close().await;
    outcome
}

/// Signs `person` in through the API and returns the refresh token.
async fn sign_in(url: &str, person: &str) -> Result<String> {
    use http_body_util::{BodyExt, Full};
    use hyper::body::Bytes;

    let authority = url
        .strip_prefix("http://")
        .context("the benchmark signs in over plain HTTP (an http:// address)")?
        .trim_end_matches('/');
    let stream = tokio::net::TcpStream::connect(authority).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let body = json!({ "email": person, "password": DEMO_PASSWORD }).to_string();
    let request = hyper::Request::post("/api/v1/auth/login")
        .header(hyper::header::HOST, authority)
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    let answer: Value = serde_json::from_slice(&response.into_body().collect().await?.to_bytes())
        .unwrap_or(Value::Null);
    anyhow::ensure!(
        status.is_success(),
        "{person} could not sign in: {status} {answer}"
    );
    answer["refresh_token"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no refresh token for {person}: {answer}"))
}

/// A Chrome DevTools Protocol command, through ChromeDriver.
#[derive(Debug)]
struct Cdp(&'static str, Value);

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.0, "params": self.1 });
        (http::Method::POST, Some(body.to_string()))
    }
}

async fn cdp(browser: &Client, command: &'static str, parameters: Value) -> Result<Value> {
    browser
        .issue_cmd(Cdp(command, parameters))
        .await
        .with_context(|| format!("{command} failed"))
}

/// Chromium and chromedriver, installed from Debian's packages if missing.
fn browser_programs() -> Result<(PathBuf, PathBuf)> {
    let find = || {
        (
            system::find_program("chromium"),
            system::find_program("chromedriver"),
        )
    };
    if let (Some(chromium), Some(chromedriver)) = find() {
        return Ok((chromium, chromedriver));
    }
    Apt::new().install(
        &["chromium", "chromium-driver"],
        "the page-load benchmark drives headless Chromium through chromedriver",
    )?;
    match find() {
        (Some(chromium), Some(chromedriver)) => Ok((chromium, chromedriver)),
        _ => bail!("chromium and chromedriver are still not on PATH after installing them"),
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The demo server, stopped when dropped.
struct ServerProcess(Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Builds the app and the server in release mode and starts the demo on a
/// free port, on the embedded database in a scratch folder.
fn start_demo(ws: &Workspace) -> Result<(String, Child)> {
    let web_dir = web::build(ws, Profile::Release, Binaryen::TryInstall)?;
    let server = ws.build_release_server()?;
    let data = std::env::temp_dir().join(format!("warren-bench-web-{}", std::process::id()));
    std::fs::create_dir_all(&data)?;
    let addr = format!("127.0.0.1:{}", free_port()?);
    let mut command = Command::new(server);
    command
        .args(["serve", "--demo", "--addr", &addr])
        .env("WARREN_WEB_DIR", &web_dir)
        .env("WARREN_DATA_DIR", &data)
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    shell::announce(&command);
    let child = command.spawn().context("could not start the demo server")?;
    let url = format!("http://{addr}");
    let deadline = Instant::now() + Duration::from_secs(120);
    while std::net::TcpStream::connect(&addr).is_err() {
        if Instant::now() > deadline {
            bail!("the demo server did not listen on {addr} within 120 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok((url, child))
}

/// A chromedriver process, killed on drop.
struct Driver {
    process: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Driver {
    fn start(chromedriver: &Path) -> Result<Self> {
        let port = free_port()?;
        let process = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("could not start {}", chromedriver.display()))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("chromedriver did not listen within 10 s");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(Driver { process, port })
    }

    /// A new browser with a profile of its own.
    async fn session(&self, chromium: &Path, (width, height): (u32, u32)) -> Result<Client> {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    format!("--window-size={width},{height}"),
                ],
            }),
        );
        let mut builder = ClientBuilder::rustls()?;
        Ok(builder
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await?)
    }
}
