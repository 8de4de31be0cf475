//! PostgreSQL going away and coming back under load, without touching the
//! shared cluster: the server reaches it through a TCP proxy in the test,
//! which "stops" the database by cutting every connection and refusing new
//! ones, and "starts" it by letting connections through again.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::harness::{
    Database, Launch, Referrer, Server, created, expect_problem, postgres_address,
    postgres_base_url,
};

/// The pool's wait for a connection; a 503 must come soon after it.
const POOL_TIMEOUT_MS: u64 = 500;
/// The longest any answer may take while the database is away.
const QUICK: Duration = Duration::from_secs(2);

/// A TCP proxy to PostgreSQL that can play a database that stops and starts.
struct Proxy {
    port: u16,
    links: Arc<Mutex<Links>>,
    accept: JoinHandle<()>,
}

/// The proxied connections, and whether new ones are let through.
struct Links {
    up: bool,
    open: Vec<JoinHandle<()>>,
}

impl Proxy {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let links = Arc::new(Mutex::new(Links {
            up: true,
            open: Vec::new(),
        }));
        let accepting = links.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let mut links = accepting.lock().unwrap();
                if !links.up {
                    // Refused: the client sees the connection closed at once.
                    drop(client);
                    continue;
                }
                let upstream = upstream.clone();
                links.open.push(tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                }));
            }
        });
        Self {
            port,
            links,
            accept,
        }
    }

    /// The database "stops": every open connection is closed, new ones are
    /// refused.
    fn stop_database(&self) {
        let mut links = self.links.lock().unwrap();
        links.up = false;
        for link in links.open.drain(..) {
            link.abort();
        }
    }

    /// The database "starts" again.
    fn start_database(&self) {
        self.links.lock().unwrap().up = true;
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop_database();
        self.accept.abort();
    }
}

/// What one request of the background load came to.
#[derive(Debug)]
struct Answer {
    status: Option<u16>,
    problem_json: bool,
    took: Duration,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_going_away_answers_503_quickly_and_the_server_recovers_by_itself() {
    let folder = tempfile::tempdir().unwrap();
    let database = Database::postgres();
    let proxy = Proxy::start(postgres_address()).await;
    let base = postgres_base_url();
    let credentials = base
        .strip_prefix("postgres://")
        .or_else(|| base.strip_prefix("postgresql://"))
        .and_then(|rest| rest.rsplit_once('@'))
        .map_or(String::new(), |(user, _)| format!("{user}@"));
    let proxied_url = format!(
        "postgres://{credentials}127.0.0.1:{}/{}",
        proxy.port,
        database.name.as_deref().unwrap()
    );
    let server = Server::start(Launch {
        database_url: &proxied_url,
        data_dir: folder.path(),
        demo: true,
        pool_timeout_ms: POOL_TIMEOUT_MS,
    })
    .await;
    let pid = server.pid();
    let referrer = Referrer::of_demo(&server, &database).await;
    created(referrer.send(&server, "before-0").await.unwrap()).await;

    // A write load runs through the outage and the recovery.
    let server = Arc::new(server);
    let answers = Arc::new(Mutex::new(Vec::<Answer>::new()));
    let done = Arc::new(AtomicBool::new(false));
    let mut senders = Vec::new();
    for sender in 0..2 {
        let (server, referrer, answers, done) = (
            server.clone(),
            referrer.clone(),
            answers.clone(),
            done.clone(),
        );
        senders.push(tokio::spawn(async move {
            for n in 0.. {
                if done.load(Ordering::SeqCst) {
                    break;
                }
                let started = Instant::now();
                let response = referrer.send(&server, &format!("load-{sender}-{n}")).await;
                let answer = match response {
                    Ok(response) => Answer {
                        status: Some(response.status().as_u16()),
                        problem_json: response
                            .headers()
                            .get("content-type")
                            .is_some_and(|value| value == "application/problem+json"),
                        took: started.elapsed(),
                    },
                    Err(_) => Answer {
                        status: None,
                        problem_json: false,
                        took: started.elapsed(),
                    },
                };
                answers.lock().unwrap().push(answer);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    proxy.stop_database();
    let stopped = Instant::now();
    // While it is away, readiness, reads and writes all answer 503 problems,
    // each quickly.
    let mut slowest = Duration::ZERO;
    while stopped.elapsed() < Duration::from_secs(3) {
        for probe in 0..3 {
            let started = Instant::now();
            let response = match probe {
                0 => server.http.get(server.path("/readyz")).send().await,
                1 => referrer.list(&server).await,
                _ => {
                    referrer
                        .send(&server, &format!("down-{}", stopped.elapsed().as_millis()))
                        .await
                }
            }
            .expect("an answer, not a hang");
            let took = started.elapsed();
            let problem = expect_problem(response, 503).await;
            assert_eq!(problem["code"], "service_unavailable", "{problem}");
            assert!(took < QUICK, "probe {probe} took {took:?}");
            slowest = slowest.max(took);
        }
    }

    proxy.start_database();
    let started = Instant::now();
    loop {
        let response = server
            .http
            .get(server.path("/readyz"))
            .send()
            .await
            .unwrap();
        if response.status() == 200 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "not ready again after {:?}",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let ready_after = started.elapsed();
    created(referrer.send(&server, "after-0").await.unwrap()).await;
    let list = referrer.list(&server).await.unwrap();
    assert_eq!(list.status(), 200);
    let writing_after = started.elapsed();
    // Let the load see the recovery too.
    tokio::time::sleep(Duration::from_millis(500)).await;
    done.store(true, Ordering::SeqCst);
    for sender in senders {
        sender.await.unwrap();
    }

    let answers = answers.lock().unwrap();
    for answer in answers.iter() {
        match answer.status {
            Some(201) => {}
            Some(503) => assert!(answer.problem_json, "503 as problem+json: {answer:?}"),
            _ => panic!("only 201 or 503, never a hang or a 500: {answer:?}"),
        }
        assert!(answer.took < QUICK, "every answer is quick: {answer:?}");
    }
    let unavailable = answers.iter().filter(|a| a.status == Some(503)).count();
    let written = answers.iter().filter(|a| a.status == Some(201)).count();
    assert!(unavailable > 0 && written > 0, "the load saw both sides");
    let last = answers.last().unwrap();
    assert_eq!(last.status, Some(201), "the load ends writing again");
    let server = Arc::into_inner(server).expect("the senders are done");
    assert!(server.is_running());
    assert_eq!(server.pid(), pid, "the same process recovered");
    eprintln!(
        "PostgreSQL away: slowest 503 {slowest:?}; ready {ready_after:?} and writing \
         {writing_after:?} after it came back; load: {written} written, {unavailable} refused \
         with 503"
    );
}
