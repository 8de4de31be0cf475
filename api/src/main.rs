//! `warren`: serve the network, migrate, print the OpenAPI document, create
//! the first network admin, back up the database (and, hidden, seed the
//! benchmark network for `cargo xtask bench`).

use std::net::TcpListener;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;
use warren_api::config::Config;
use warren_api::{openapi, server};
use warren_seed::{bench, demo};

/// mimalloc returns freed memory to the system and keeps no per-thread
/// arenas the way glibc's allocator does: the server's resident memory
/// under load stays near what it actually holds.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Warren: the shared platform of a regional care network for small mammals and wildlife.
#[derive(Debug, Parser)]
#[command(name = "warren", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API, the web app and the docs (the default).
    Serve {
        /// Load the demo network into an empty database first.
        #[arg(long)]
        demo: bool,
        /// Address to listen on (overrides WARREN_ADDR).
        #[arg(long)]
        addr: Option<String>,
    },
    /// Bring the database to the current schema and exit.
    Migrate,
    /// Print the OpenAPI document (YAML, or JSON with --json).
    Openapi {
        /// Print JSON instead of YAML.
        #[arg(long)]
        json: bool,
    },
    /// Administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Write a consistent copy of the SQLite database to PATH (PostgreSQL: use pg_dump), and the
    /// files attached to cases, when they are kept in the local folder, to PATH.files.
    Backup {
        /// Where to write the copy; must not exist.
        path: PathBuf,
    },
    /// Seed an empty database (DATABASE_URL) with a synthetic network for `cargo xtask bench`.
    #[command(hide = true)]
    BenchSeed {
        /// How many sites to create, about ten per organization.
        #[arg(long, default_value_t = 20_000)]
        sites: usize,
        /// Random seed: the same seed gives the same network.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Sites written per transaction.
        #[arg(long, default_value_t = 500)]
        batch: usize,
        /// Referrals in the two years of history (with their timelines).
        #[arg(long, default_value_t = 1_000_000)]
        referrals: usize,
        /// Kit items (with their loans).
        #[arg(long, default_value_t = 50_000)]
        items: usize,
    },
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create a network admin (with the network's coordinating organization if none exists).
    Create {
        /// Their e-mail address.
        #[arg(long)]
        email: String,
        /// Their name.
        #[arg(long)]
        name: String,
        /// Their password (12+ characters); or set WARREN_ADMIN_PASSWORD.
        #[arg(long, env = "WARREN_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
        /// The coordinating organization's name.
        #[arg(long, default_value = "Network coordination office")]
        organization: String,
    },
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve {
        demo: false,
        addr: None,
    }) {
        Command::Serve { demo, addr } => serve(demo, addr),
        Command::Migrate => {
            let config = Config::from_env()?;
            server::open_store(&config)?;
            println!("The database is up to date.");
            Ok(())
        }
        Command::Openapi { json } => {
            if json {
                println!("{}", openapi::document().to_pretty_json()?);
            } else {
                print!("{}", openapi::yaml());
            }
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    name,
                    password,
                    organization,
                },
        } => {
            let config = Config::from_env()?;
            let store = server::open_store(&config)?;
            warren_api::admin::create_network_admin(
                &store,
                &email,
                &name,
                &password,
                &organization,
            )
            .map_err(|error| anyhow::anyhow!(error.problem().message()))?;
            println!("Network admin {email} created; sign in with that e-mail and password.");
            Ok(())
        }
        Command::Backup { path } => {
            let config = Config::from_env()?;
            let store = server::open_store(&config)?;
            store
                .backup(&path)
                .map_err(|error| anyhow::anyhow!("{error}"))?;
            println!("Backed up to {}.", path.display());
            let mut files = path.clone().into_os_string();
            files.push(".files");
            let files = PathBuf::from(files);
            match warren_api::files::back_up(&config.files, &files)? {
                Some(copied) => println!(
                    "Copied {copied} stored files to {} (restore it as {}).",
                    files.display(),
                    config.files.folder.display()
                ),
                None => println!(
                    "The files attached to cases are in the bucket {}; back it up with its own \
                     versioning or replication.",
                    config.files.object_store_url.as_deref().unwrap_or_default()
                ),
            }
            Ok(())
        }
        Command::BenchSeed {
            sites,
            seed,
            batch,
            referrals,
            items,
        } => {
            let config = Config::from_env()?;
            let store = server::open_store(&config)?;
            let options = bench::SeedOptions {
                sites,
                seed,
                batch,
                referrals,
                items,
            };
            let seeded =
                bench::seed(&store, options).context("the benchmark network was not seeded")?;
            // The referral benchmark reads who refers, with which key, to whom.
            let referrer = config.data_dir.join("bench-referrer.json");
            std::fs::create_dir_all(&config.data_dir)?;
            std::fs::write(&referrer, serde_json::to_vec(&seeded.referrer)?)?;
            println!(
                "Seeded {} sites of {} organizations ({:.1} s), {referrals} referrals with \
                 timelines ({:.1} s) and {items} kit items with loans ({:.1} s) into {} in \
                 {:.1} s; the referrer is in {}.",
                seeded.sites,
                seeded.organizations,
                seeded.sites_elapsed.as_secs_f64(),
                seeded.referrals_elapsed.as_secs_f64(),
                seeded.items_elapsed.as_secs_f64(),
                store.backend().as_str(),
                seeded.elapsed.as_secs_f64(),
                referrer.display()
            );
            Ok(())
        }
    }
}

#[actix_web::main]
async fn serve(load_demo: bool, addr: Option<String>) -> anyhow::Result<()> {
    let mut config = Config::from_env()?;
    if let Some(addr) = addr {
        config.addr = addr;
    }
    config.demo = load_demo;
    let store = server::open_store(&config)?;
    tracing::info!(backend = store.backend().as_str(), "database ready");
    if load_demo {
        match demo::load(&store).context("the demo network was not loaded")? {
            demo::Loaded::Organizations(count) => {
                println!("Loaded the demo network: {count} organizations.")
            }
            demo::Loaded::AlreadyPopulated => {
                println!("The database already has a network; the demo was not loaded.")
            }
        }
        let places = demo::load_gazetteer(&store)?;
        if places > 0 {
            println!("Loaded the demo's sample gazetteer: {places} postcodes and places.");
        }
        println!("Demo sign-ins (password: {}):", demo::DEMO_PASSWORD);
        for (role, email) in demo::DEMO_LOGINS {
            println!("  {role:<14} {email}");
        }
    }
    let listener = TcpListener::bind(&config.addr)
        .with_context(|| format!("cannot listen on {}", config.addr))?;
    let running = server::start(config, store, listener)?;
    println!(
        "Warren is running at http://{}/  (API docs: http://{}/api/docs/)",
        running.addr, running.addr
    );
    println!("E-mail goes to {}.", running.mail_destination);
    if running.demo_mailbox {
        println!(
            "The e-mails Warren sends (invitations, password resets, alerts) are in the demo mailbox: http://{}/demo/mailbox",
            running.addr
        );
    }
    running.server.await?;
    // A round in progress (an e-mail being sent) finishes before the exit.
    running.jobs.stop().await;
    Ok(())
}
