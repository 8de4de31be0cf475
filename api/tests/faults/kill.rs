//! `kill -9` in the middle of a write load: every acknowledged referral is
//! stored once, and retrying every request with its key leaves exactly one
//! referral per key.

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::harness::{Backend, Database, Launch, Referrer, Server, created};

/// Concurrent senders in the load.
const SENDERS: usize = 4;
/// Acknowledged referrals to wait for before the kill.
const ACKNOWLEDGED_BEFORE_KILL: usize = 40;

/// What one request of the load came to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// 201, with the case it created.
    Acknowledged(String),
    /// An answer other than 201 (its status).
    Refused(u16),
    /// No answer: the connection broke (the kill).
    Unanswered,
}

async fn kill_9_during_a_write_load_loses_and_duplicates_nothing(backend: Backend) {
    let folder = tempfile::tempdir().unwrap();
    let database = Database::fresh(backend, folder.path());
    let launch = || Launch {
        database_url: &database.url,
        data_dir: folder.path(),
        demo: true,
        pool_timeout_ms: 5000,
    };
    let server = Server::start(launch()).await;
    let referrer = Referrer::of_demo(&server, &database).await;

    let outcomes = Arc::new(Mutex::new(BTreeMap::<String, Outcome>::new()));
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let server = Arc::new(server);
    let mut senders = Vec::new();
    for sender in 0..SENDERS {
        let (outcomes, acknowledged, killed, server, referrer) = (
            outcomes.clone(),
            acknowledged.clone(),
            killed.clone(),
            server.clone(),
            referrer.clone(),
        );
        senders.push(tokio::spawn(async move {
            for n in 0.. {
                if killed.load(Ordering::SeqCst) {
                    break;
                }
                let key = format!("kill-{sender}-{n:05}");
                let outcome = match referrer.send(&server, &key).await {
                    Ok(response) if response.status() == 201 => {
                        acknowledged.fetch_add(1, Ordering::SeqCst);
                        Outcome::Acknowledged(created(response).await.0)
                    }
                    Ok(response) => Outcome::Refused(response.status().as_u16()),
                    Err(_) => Outcome::Unanswered,
                };
                outcomes.lock().unwrap().insert(key, outcome);
            }
        }));
    }
    // Let the load run, then kill the server while requests are in flight.
    let started = Instant::now();
    while acknowledged.load(Ordering::SeqCst) < ACKNOWLEDGED_BEFORE_KILL {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the load did not get going"
        );
        let refused = outcomes
            .lock()
            .unwrap()
            .values()
            .find(|o| matches!(o, Outcome::Refused(_)))
            .cloned();
        assert!(refused.is_none(), "the load is refused: {refused:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // No request starts after the kill, so a request without an answer is
    // one the kill interrupted.
    killed.store(true, Ordering::SeqCst);
    server.kill();
    for sender in senders {
        sender.await.unwrap();
    }
    assert_eq!(server.wait().signal(), Some(9), "kill -9 ended the server");
    drop(server);

    let outcomes = Arc::into_inner(outcomes).unwrap().into_inner().unwrap();
    let count = |wanted: fn(&Outcome) -> bool| outcomes.values().filter(|o| wanted(o)).count();
    let acknowledged = count(|o| matches!(o, Outcome::Acknowledged(_)));
    let unanswered = count(|o| matches!(o, Outcome::Unanswered));
    let refused: Vec<_> = outcomes
        .values()
        .filter(|o| matches!(o, Outcome::Refused(_)))
        .collect();
    assert!(refused.is_empty(), "only 201 or no answer: {refused:?}");
    assert!(
        unanswered > 0,
        "the kill came while requests were in flight"
    );

    let server = Server::start(Launch {
        demo: false,
        ..launch()
    })
    .await;
    let stored = stored_cases(&database);
    for (key, outcome) in &outcomes {
        let cases = stored.get(key).map_or(&[][..], Vec::as_slice);
        assert!(cases.len() <= 1, "{key} is stored {} times", cases.len());
        if let Outcome::Acknowledged(case) = outcome {
            assert_eq!(
                cases,
                std::slice::from_ref(case),
                "acknowledged {key} is stored"
            );
        }
    }
    let stored_after_kill = stored.values().map(Vec::len).sum::<usize>();
    eprintln!(
        "{backend:?}: {} requests, {acknowledged} acknowledged, {unanswered} unanswered by the \
         kill; {stored_after_kill} stored after the restart",
        outcomes.len()
    );

    // Every request again, with its key: one referral per key, and the
    // acknowledged ones answer the case they first answered.
    for (key, outcome) in &outcomes {
        let response = referrer.send(&server, key).await.unwrap();
        let replayed = response.headers().contains_key("idempotent-replayed");
        let (case, _) = created(response).await;
        if let Outcome::Acknowledged(first) = outcome {
            assert!(replayed, "{key} was acknowledged, so its retry is a replay");
            assert_eq!(&case, first, "{key} answers its first case again");
        }
    }
    let stored = stored_cases(&database);
    assert_eq!(stored.len(), outcomes.len(), "one referral for every key");
    for (key, cases) in &stored {
        assert_eq!(cases.len(), 1, "{key} is stored once");
    }
    let keys = database.count(
        "SELECT CAST(COUNT(*) AS TEXT) AS value FROM idempotency_keys \
         WHERE idempotency_key LIKE 'kill-%'",
    );
    assert_eq!(keys, outcomes.len(), "one idempotency record per key");
    assert!(server.is_running());
}

/// The case ids stored for each test key.
fn stored_cases(database: &Database) -> BTreeMap<String, Vec<String>> {
    let prefix = Referrer::reason("");
    let mut stored = BTreeMap::<String, Vec<String>>::new();
    for row in database.texts(&format!(
        "SELECT reason || ' ' || case_id AS value FROM referrals WHERE reason LIKE '{prefix}%'"
    )) {
        let (key, case) = row
            .strip_prefix(&prefix)
            .and_then(|rest| rest.split_once(' '))
            .expect("a test referral");
        stored
            .entry(key.to_owned())
            .or_default()
            .push(case.to_owned());
    }
    stored
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_a_write_load_on_sqlite_loses_and_duplicates_nothing() {
    kill_9_during_a_write_load_loses_and_duplicates_nothing(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_a_write_load_on_postgres_loses_and_duplicates_nothing() {
    kill_9_during_a_write_load_loses_and_duplicates_nothing(Backend::Postgres).await;
}
