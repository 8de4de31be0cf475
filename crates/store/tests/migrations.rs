//! The two migration folders stay in step.
//!
//! `migrations/sqlite` and `migrations/postgres` hold the same changes in
//! each backend's SQL, and `src/schema.rs` is what diesel believes both
//! produce. These tests hold that true: every migration exists for both
//! backends with an `up.sql` and a `down.sql`; after all migrations both
//! databases have the same tables with the same column names (apart from
//! each backend's own full-text search, listed below); and every table and
//! column `schema.rs` declares exists on both.
//!
//! The SQLite database lives in memory; the PostgreSQL one is created for the
//! run on `WARREN_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and dropped afterwards.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use diesel::sql_types::Text;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use warren_store::DbConnection;
use warren_store::connection::{Manager, migrate};

/// Tables by name, each with its column names.
type Tables = BTreeMap<String, BTreeSet<String>>;

/// The SQLite-only part of full-text search: the FTS5 table the article
/// triggers fill (its shadow tables are left out by type).
const SQLITE_ONLY_TABLES: &[&str] = &["articles_fts"];

/// The PostgreSQL-only part of full-text search: the generated, GIN-indexed
/// `tsvector` column.
const POSTGRES_ONLY_COLUMNS: &[(&str, &str)] = &[("articles", "search_vector")];

/// The table diesel logs the migrations it ran in.
const DIESEL_TABLE: &str = "__diesel_schema_migrations";

static SQLITE: LazyLock<Tables> = LazyLock::new(sqlite_tables);
static POSTGRES: LazyLock<Tables> = LazyLock::new(postgres_tables);

/// One table's column, as both introspection queries select it.
#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

fn tables_from(rows: Vec<ColumnRow>) -> Tables {
    let mut tables = Tables::new();
    for row in rows {
        tables
            .entry(row.table_name)
            .or_default()
            .insert(row.column_name);
    }
    tables.remove(DIESEL_TABLE);
    tables
}

/// Tables, views and virtual tables of a migrated in-memory SQLite
/// database; FTS5's shadow tables and SQLite's own are left out.
fn sqlite_tables() -> Tables {
    let manager = Manager::new(":memory:").expect("a SQLite manager");
    let mut connection = manager.establish().expect("open an in-memory database");
    migrate(&mut connection).expect("run the SQLite migrations");
    let DbConnection::Sqlite(sqlite) = &mut connection else {
        unreachable!("an in-memory database is SQLite");
    };
    let rows = diesel::sql_query(
        "SELECT t.name AS table_name, c.name AS column_name \
         FROM pragma_table_list AS t JOIN pragma_table_info(t.name) AS c \
         WHERE t.schema = 'main' AND t.type IN ('table', 'view', 'virtual') \
           AND t.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )
    .load::<ColumnRow>(sqlite)
    .expect("list SQLite tables and columns");
    tables_from(rows)
}

/// A PostgreSQL database made for this run, dropped with this value.
struct PostgresDatabase {
    admin_url: String,
    name: String,
}

impl PostgresDatabase {
    fn create() -> Self {
        let admin_url = std::env::var("WARREN_TEST_DATABASE_URL")
            .ok()
            .filter(|url| !url.is_empty())
            .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("warren_schema_{}", uuid::Uuid::now_v7().simple());
        let mut admin = PgConnection::establish(&admin_url)
            .expect("PostgreSQL must be running (WARREN_TEST_DATABASE_URL)");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("create a test database");
        Self { admin_url, name }
    }

    fn url(&self) -> String {
        let base = self
            .admin_url
            .rsplit_once('/')
            .map_or(self.admin_url.as_str(), |(base, _)| base);
        format!("{base}/{}", self.name)
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}

/// Tables and views, with their columns, of a migrated PostgreSQL database
/// in the schema Warren uses (the connection's current one).
fn postgres_tables() -> Tables {
    let database = PostgresDatabase::create();
    let manager = Manager::new(&database.url()).expect("a PostgreSQL manager");
    let mut connection = manager.establish().expect("connect to the test database");
    migrate(&mut connection).expect("run the PostgreSQL migrations");
    let DbConnection::Pg(pg) = &mut connection else {
        unreachable!("a postgres:// URL is PostgreSQL");
    };
    let rows = diesel::sql_query(
        "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name \
         FROM information_schema.columns AS c \
         JOIN information_schema.tables AS t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = current_schema() AND t.table_type IN ('BASE TABLE', 'VIEW')",
    )
    .load::<ColumnRow>(pg)
    .expect("list PostgreSQL tables and columns");
    tables_from(rows)
}

/// The tables and columns `schema.rs` declares, by their SQL names.
fn declared_tables() -> Tables {
    let source = include_str!("../src/schema.rs");
    let mut lines = source
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("//"));
    let mut tables = Tables::new();
    while let Some(line) = lines.next() {
        if line != "diesel::table! {" {
            continue;
        }
        let mut sql_name = None;
        let header = loop {
            let line = lines.next().expect("a table! block names its table");
            match sql_name_of(line) {
                Some(name) => sql_name = Some(name),
                None if line.starts_with('#') => {}
                None => break line,
            }
        };
        let rust_name = header
            .split(['(', ' '])
            .next()
            .expect("a table name before its key");
        let name = sql_name.unwrap_or(rust_name).to_owned();
        let mut columns = BTreeSet::new();
        let mut column_sql_name = None;
        for line in lines.by_ref() {
            if line == "}" {
                break;
            }
            if let Some(name) = sql_name_of(line) {
                column_sql_name = Some(name);
            } else if let Some((column, _)) = line.split_once("->") {
                let column = column.trim().trim_start_matches("r#");
                columns.insert(column_sql_name.take().unwrap_or(column).to_owned());
            }
        }
        assert!(!columns.is_empty(), "schema.rs: no columns read for {name}");
        tables.insert(name, columns);
    }
    assert_eq!(
        tables.len(),
        source.matches("diesel::table! {").count(),
        "schema.rs: every table! block is read"
    );
    tables
}

/// `name` of a `#[sql_name = "name"]` line.
fn sql_name_of(line: &str) -> Option<&str> {
    line.strip_prefix("#[sql_name = \"")?.split('"').next()
}

fn migrations_folder(backend: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../migrations")
        .join(backend)
}

/// The migration folders of one backend, each with the files in it.
fn migrations_of(backend: &str) -> BTreeMap<String, BTreeSet<String>> {
    let folder = migrations_folder(backend);
    std::fs::read_dir(&folder)
        .unwrap_or_else(|error| panic!("read {}: {error}", folder.display()))
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.is_dir())
        .map(|path| {
            let files = std::fs::read_dir(&path)
                .unwrap_or_else(|error| panic!("read {}: {error}", path.display()))
                .map(|entry| entry.expect("a folder entry").file_name())
                .map(|name| name.to_string_lossy().into_owned())
                .collect();
            let name = path.file_name().expect("a folder name");
            (name.to_string_lossy().into_owned(), files)
        })
        .collect()
}

/// Fails with every difference listed, one a line.
fn assert_no_differences(what: &str, differences: &[String]) {
    assert!(
        differences.is_empty(),
        "{what}:\n  {}",
        differences.join("\n  ")
    );
}

#[test]
fn every_migration_exists_for_both_backends_with_an_up_and_a_down() {
    let sqlite = migrations_of("sqlite");
    let postgres = migrations_of("postgres");
    assert!(!sqlite.is_empty(), "no SQLite migrations found");
    let mut differences = Vec::new();
    for name in sqlite
        .keys()
        .chain(postgres.keys())
        .collect::<BTreeSet<_>>()
    {
        for (backend, migrations) in [("sqlite", &sqlite), ("postgres", &postgres)] {
            match migrations.get(name) {
                None => differences.push(format!("{name}: missing in migrations/{backend}")),
                Some(files) => {
                    for file in ["up.sql", "down.sql"] {
                        if !files.contains(file) {
                            differences.push(format!("{name}: no {file} in migrations/{backend}"));
                        }
                    }
                }
            }
        }
    }
    assert_no_differences("the migration folders differ", &differences);
}

#[test]
fn both_backends_migrate_to_the_same_tables_and_columns() {
    let mut sqlite = SQLITE.clone();
    let mut postgres = POSTGRES.clone();
    // Each backend's full-text search is its own; the lists must stay true.
    for table in SQLITE_ONLY_TABLES {
        assert!(
            sqlite.remove(*table).is_some(),
            "the SQLite-only table {table} no longer exists: update SQLITE_ONLY_TABLES"
        );
    }
    for (table, column) in POSTGRES_ONLY_COLUMNS {
        assert!(
            postgres
                .get_mut(*table)
                .is_some_and(|columns| columns.remove(*column)),
            "the PostgreSQL-only column {table}.{column} no longer exists: \
             update POSTGRES_ONLY_COLUMNS"
        );
    }

    let mut differences = Vec::new();
    for table in sqlite
        .keys()
        .chain(postgres.keys())
        .collect::<BTreeSet<_>>()
    {
        match (sqlite.get(table), postgres.get(table)) {
            (Some(_), None) => differences.push(format!("table {table}: only on SQLite")),
            (None, Some(_)) => differences.push(format!("table {table}: only on PostgreSQL")),
            (Some(on_sqlite), Some(on_postgres)) => {
                for column in on_sqlite.difference(on_postgres) {
                    differences.push(format!("column {table}.{column}: only on SQLite"));
                }
                for column in on_postgres.difference(on_sqlite) {
                    differences.push(format!("column {table}.{column}: only on PostgreSQL"));
                }
            }
            (None, None) => unreachable!("{table} came from one of the two"),
        }
    }
    assert_no_differences(
        "the migrated SQLite and PostgreSQL schemas differ",
        &differences,
    );
}

/// The tables and columns of `schema.rs` missing from `migrated`.
fn missing_from_schema_rs(migrated: &Tables) -> Vec<String> {
    let mut missing = Vec::new();
    for (table, columns) in declared_tables() {
        match migrated.get(&table) {
            None => missing.push(format!("table {table}")),
            Some(present) => missing.extend(
                columns
                    .difference(present)
                    .map(|column| format!("column {table}.{column}")),
            ),
        }
    }
    missing
}

#[test]
fn every_table_and_column_of_schema_rs_exists_on_sqlite() {
    assert_no_differences(
        "schema.rs declares what the SQLite migrations do not create",
        &missing_from_schema_rs(&SQLITE),
    );
}

#[test]
fn every_table_and_column_of_schema_rs_exists_on_postgres() {
    assert_no_differences(
        "schema.rs declares what the PostgreSQL migrations do not create",
        &missing_from_schema_rs(&POSTGRES),
    );
}
