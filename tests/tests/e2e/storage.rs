//! Beneath the API: the audit log cannot be rewritten, backups are whole.

use diesel::RunQueryDsl;
use warren_tests::*;

warren_tests::on_both_databases! {
    async fn the_audit_log_is_append_only(app) {
        app.network_admin().await;
        app.apply("Audit Vets", "aud@audit.test").await;
        let store = app.store.clone();
        tokio::task::spawn_blocking(move || {
            store.read(|connection| {
                for statement in ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"] {
                    let refused = diesel::sql_query(statement).execute(connection);
                    assert!(refused.is_err(), "{statement} must be refused");
                }
                Ok::<_, warren_store::StoreError>(())
            })
        })
        .await
        .unwrap()
        .unwrap();
        let coordinator = app.signed_in("coordinator@network.test").await;
        let trail = coordinator.audit_log(&Default::default()).await.unwrap();
        assert!(trail.items.iter().all(|entry| entry.actor != "someone else"));
        assert!(trail.items.iter().any(|entry| entry.action == "organization.applied"));
    }

    async fn the_audit_log_pages_newest_first(app) {
        let coordinator = app.network_admin().await;
        for n in 0..5 {
            app.apply(&format!("Paging Vets {n}"), &format!("p{n}@paging.test")).await;
        }
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = coordinator
                .audit_log(&warren_wire::AuditQuery { action: Some("organization.applied".into()), cursor: cursor.clone(), limit: Some(2), ..Default::default() })
                .await
                .unwrap();
            seen.extend(page.items.iter().map(|entry| entry.id));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen.len(), 5);
        assert!(seen.windows(2).all(|pair| pair[0] > pair[1]), "newest first, no repeats");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_backup_is_a_whole_consistent_copy() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let coordinator = app.network_admin().await;
    app.apply("Backup Vets", "bak@backup.test").await;
    let folder = tempfile::tempdir().unwrap();
    let copy = folder.path().join("copy.db");
    let store = app.store.clone();
    let target = copy.clone();
    tokio::task::spawn_blocking(move || store.backup(&target))
        .await
        .unwrap()
        .unwrap();
    let options = warren_store::StoreOptions {
        url: copy.to_string_lossy().into_owned(),
        pool_size: 1,
        pool_timeout: std::time::Duration::from_secs(5),
    };
    let restored = tokio::task::spawn_blocking(move || warren_store::Store::open(&options))
        .await
        .unwrap()
        .unwrap();
    let names = tokio::task::spawn_blocking(move || {
        restored.read(|connection| {
            warren_store::organizations::list(
                connection,
                &warren_store::organizations::OrganizationFilter {
                    limit: 10,
                    ..Default::default()
                },
            )?
            .iter()
            .map(warren_api::views::organizations::organization)
            .collect::<Result<Vec<_>, warren_api::error::ApiError>>()
        })
    })
    .await
    .unwrap()
    .unwrap();
    let live = coordinator
        .organizations(&Default::default())
        .await
        .unwrap();
    assert_eq!(names, live.items);
    let store = app.store.clone();
    let again = tokio::task::spawn_blocking(move || store.backup(&copy))
        .await
        .unwrap();
    assert!(again.is_err(), "a backup never overwrites a file");
}

#[test]
fn a_mistyped_database_url_is_reported_not_turned_into_a_file() {
    let options = warren_store::StoreOptions {
        url: "postgress://127.0.0.1/warren".into(),
        pool_size: 1,
        pool_timeout: std::time::Duration::from_secs(1),
    };
    let error = warren_store::Store::open(&options).unwrap_err().to_string();
    assert!(error.contains("unsupported database URL scheme"), "{error}");
    let unreachable = warren_store::StoreOptions {
        url: "postgres://postgres@127.0.0.1:1/warren".into(),
        ..options
    };
    let started = std::time::Instant::now();
    let error = warren_store::Store::open(&unreachable)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("cannot connect to the postgres database"),
        "{error}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_network_loads_once_with_a_login_per_role() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let store = app.store.clone();
    let loaded = tokio::task::spawn_blocking(move || warren_seed::demo::load(&store))
        .await
        .unwrap()
        .unwrap();
    let warren_seed::demo::Loaded::Organizations(count) = loaded else {
        panic!("loaded")
    };
    assert!(count >= 40);
    let store = app.store.clone();
    let again = tokio::task::spawn_blocking(move || warren_seed::demo::load(&store))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again, warren_seed::demo::Loaded::AlreadyPopulated);
    let coordinator = {
        let tokens = app
            .tokens("coordinator@warren.demo", warren_seed::demo::DEMO_PASSWORD)
            .await;
        app.client.with_access_token(&tokens.access_token)
    };
    let mut kinds = std::collections::BTreeSet::new();
    let mut cursor = None;
    let mut total = 0;
    loop {
        let page = coordinator
            .organizations(&warren_wire::OrganizationQuery {
                cursor: cursor.clone(),
                ..Default::default()
            })
            .await
            .unwrap();
        total += page.items.len();
        kinds.extend(page.items.iter().map(|o| o.kind));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(total, count);
    assert_eq!(kinds.len(), OrganizationKind::ALL.len(), "every kind");
    for (_, email) in warren_seed::demo::DEMO_LOGINS {
        app.tokens(email, warren_seed::demo::DEMO_PASSWORD).await;
    }
}
