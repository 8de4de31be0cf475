//! Backup, restore into a fresh database, identical content: SQLite with
//! `warren backup` (`VACUUM INTO`), PostgreSQL with `pg_dump` and
//! `pg_restore`, each from a demo network with referrals sent through the
//! API, compared table by table, row by row.

use std::collections::BTreeMap;

use crate::harness::{Backend, Database, Launch, Referrer, Server, created, run, warren};

/// Every table's rows as text, in order; the rows of a table are rendered
/// by the database itself, so every column counts.
fn content(database: &Database) -> BTreeMap<String, Vec<String>> {
    let tables = match database.backend {
        Backend::Sqlite => database
            .texts("SELECT name AS value FROM sqlite_master WHERE type = 'table' ORDER BY name"),
        Backend::Postgres => database.texts(
            "SELECT table_name::text AS value FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
        ),
    };
    let mut content = BTreeMap::new();
    for table in tables {
        let rows = match database.backend {
            Backend::Sqlite => {
                let columns = database.texts(&format!(
                    "SELECT name AS value FROM pragma_table_info('{table}') ORDER BY cid"
                ));
                let row = columns
                    .iter()
                    .map(|column| format!("quote(\"{column}\")"))
                    .collect::<Vec<_>>()
                    .join(" || '|' || ");
                database.texts(&format!(
                    "SELECT {row} AS value FROM \"{table}\" ORDER BY 1"
                ))
            }
            Backend::Postgres => database.texts(&format!(
                "SELECT whole_row::text AS value FROM \"{table}\" whole_row ORDER BY 1"
            )),
        };
        content.insert(table, rows);
    }
    if database.backend == Backend::Postgres {
        // Sequences: the next id must not collide with a restored one.
        let sequences = database.texts(
            "SELECT sequencename || '=' || COALESCE(last_value::text, '') AS value \
             FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1",
        );
        content.insert("(sequences)".into(), sequences);
    }
    content
}

async fn a_backup_restores_into_a_fresh_database_with_identical_content(backend: Backend) {
    let folder = tempfile::tempdir().unwrap();
    let original = Database::fresh(backend, folder.path());
    let server = Server::start(Launch {
        database_url: &original.url,
        data_dir: folder.path(),
        demo: true,
        pool_timeout_ms: 5000,
    })
    .await;
    let referrer = Referrer::of_demo(&server, &original).await;
    let mut referrals = Vec::new();
    for n in 0..5 {
        let response = referrer
            .send(&server, &format!("backup-{n}"))
            .await
            .unwrap();
        referrals.push(created(response).await.1);
    }
    // Stopped, so that no background job writes between backup and comparison.
    server.terminate();

    let restored = match backend {
        Backend::Sqlite => {
            let backup = folder.path().join("backup.db");
            warren(
                &["backup", &backup.to_string_lossy()],
                &original.url,
                folder.path(),
            );
            let fresh = folder.path().join("restored").join("warren.db");
            std::fs::create_dir_all(fresh.parent().unwrap()).unwrap();
            std::fs::copy(&backup, &fresh).unwrap();
            Database::sqlite(&fresh)
        }
        Backend::Postgres => {
            let dump = folder.path().join("warren.dump");
            run(
                "pg_dump",
                &[
                    "--format=custom",
                    "--file",
                    &dump.to_string_lossy(),
                    &original.url,
                ],
            );
            let fresh = Database::postgres();
            run(
                "pg_restore",
                &[
                    "--no-owner",
                    "--exit-on-error",
                    "--dbname",
                    &fresh.url,
                    &dump.to_string_lossy(),
                ],
            );
            fresh
        }
    };

    let before = content(&original);
    let after = content(&restored);
    assert!(
        before["organizations"].len() >= 40,
        "the demo network is there"
    );
    assert!(before["referrals"].len() >= 5, "and the referrals sent");
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (table, rows) in &before {
        assert_eq!(rows.len(), after[table].len(), "rows of {table}");
        assert!(rows == &after[table], "the content of {table} differs");
    }
    let rows: usize = before.values().map(Vec::len).sum();
    eprintln!(
        "{backend:?}: {} tables, {rows} rows restored identical",
        before.len()
    );

    // The restored database serves: sign in, read what was sent, write more.
    let data = folder.path().join("restored-data");
    std::fs::create_dir_all(&data).unwrap();
    let server = Server::start(Launch {
        database_url: &restored.url,
        data_dir: &data,
        demo: false,
        pool_timeout_ms: 5000,
    })
    .await;
    let referrer = Referrer::of_demo(&server, &restored).await;
    for referral in &referrals {
        assert_eq!(
            referrer.read(&server, referral).await.unwrap().status(),
            200
        );
    }
    created(referrer.send(&server, "after-restore").await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_backup_restores_into_a_fresh_database_with_identical_content() {
    a_backup_restores_into_a_fresh_database_with_identical_content(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_dump_restores_into_a_fresh_database_with_identical_content() {
    a_backup_restores_into_a_fresh_database_with_identical_content(Backend::Postgres).await;
}
