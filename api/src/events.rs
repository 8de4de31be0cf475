//! Live referral events: published after each change, streamed to the
//! organizations in the referral as server-sent events.
//!
//! On PostgreSQL every event goes through `NOTIFY`, sent in the change's own
//! transaction, and each replica's
//! listener thread hands what it hears to its subscribers, so a board open
//! on one replica sees changes made on another. On SQLite (one process) the
//! event goes straight to the subscribers. A board that reconnects reloads
//! itself, so an event missed while it was away costs nothing.

use std::time::Duration;

use tokio::sync::broadcast;
use warren_store::Store;
use warren_store::events::{self, Listener};
use warren_wire::ReferralEvent;

/// How many events a slow subscriber may fall behind before it skips ahead.
const BUFFER: usize = 1024;

/// The event hub of one server.
pub struct Events {
    sender: broadcast::Sender<ReferralEvent>,
    through_database: bool,
}

impl Events {
    /// A hub for `store`; on PostgreSQL it starts the listener thread.
    pub fn start(store: &Store) -> Self {
        let (sender, _) = broadcast::channel(BUFFER);
        let through_database = events::crosses_replicas(store.backend());
        if through_database {
            let url = store.url().to_owned();
            let forward = sender.clone();
            std::thread::Builder::new()
                .name("warren-listen".into())
                .spawn(move || listen(&url, &forward))
                .expect("spawning the event listener");
        }
        Self {
            sender,
            through_database,
        }
    }

    /// Publishes events once their change has committed. On PostgreSQL
    /// the change's own transaction already announced them (see
    /// [`crate::referrals::Raised`]) and the listener hands them on; on
    /// SQLite they go to the subscribers here.
    pub fn publish(&self, published: Vec<ReferralEvent>) {
        if self.through_database {
            return;
        }
        for event in published {
            // No subscriber is not an error.
            let _ = self.sender.send(event);
        }
    }

    /// A new subscription to every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<ReferralEvent> {
        self.sender.subscribe()
    }
}

/// Listens for ever, reconnecting after a second when the database goes away.
fn listen(url: &str, forward: &broadcast::Sender<ReferralEvent>) {
    loop {
        match Listener::connect(url) {
            Ok(mut listener) => loop {
                match listener.receive(Duration::from_millis(50)) {
                    Ok(payloads) => {
                        for payload in payloads {
                            match serde_json::from_str(&payload) {
                                Ok(event) => {
                                    let _ = forward.send(event);
                                }
                                Err(error) => tracing::warn!(%error, "an unreadable event"),
                            }
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "the event listener lost its connection");
                        break;
                    }
                }
            },
            Err(error) => tracing::warn!(%error, "the event listener cannot connect"),
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}
