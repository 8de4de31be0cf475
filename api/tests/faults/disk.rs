//! The SQLite file's disk fills up, then turns read-only, then recovers.
//!
//! The file lives on a small ext4 file system in a loop-mounted image. A
//! tmpfs would do for the full disk, but Linux refuses to remount a file
//! system read-only while a process has a file on it open for writing
//! (`mount point is busy`), and the server always has. ext4's `abort` mount
//! option turns the file system read-only under open files instead, as the
//! kernel does when a disk fails (`errors=remount-ro`).

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::{Database, Launch, Referrer, Server, created, expect_problem, run};

/// Size of the file system: room for the demo network and some more.
const FILE_SYSTEM_MB: u64 = 48;
/// The longest a refused write may take.
const QUICK: Duration = Duration::from_secs(2);

/// A small ext4 file system mounted at `dir`; unmounted when dropped, also
/// when the test panics.
struct SmallDisk {
    image: PathBuf,
    dir: PathBuf,
    mounted: bool,
}

impl SmallDisk {
    fn create(image: PathBuf, dir: PathBuf) -> Self {
        std::fs::File::create(&image)
            .and_then(|file| file.set_len(FILE_SYSTEM_MB << 20))
            .expect("create the disk image");
        // No blocks reserved for root: the tests run as root.
        run(
            "mkfs.ext4",
            &["-q", "-F", "-m", "0", &image.to_string_lossy()],
        );
        std::fs::create_dir_all(&dir).unwrap();
        let mut disk = Self {
            image,
            dir,
            mounted: false,
        };
        disk.mount();
        disk
    }

    fn mount(&mut self) {
        run(
            "mount",
            &[
                "-o",
                "loop,errors=remount-ro",
                &self.image.to_string_lossy(),
                &self.dir.to_string_lossy(),
            ],
        );
        self.mounted = true;
    }

    fn unmount(&mut self) {
        run("umount", &[&self.dir.to_string_lossy()]);
        self.mounted = false;
    }

    /// Fills every free byte with `filler`.
    fn fill(&self) -> PathBuf {
        let path = self.dir.join("filler");
        let mut file = std::fs::File::create(&path).unwrap();
        for chunk in [1 << 20, 1 << 16, 1 << 12, 1 << 10, 1] {
            let bytes = vec![0_u8; chunk];
            while file.write_all(&bytes).is_ok() {}
        }
        // A failed write may leave part of a chunk in the page cache.
        let _ = file.sync_all();
        path
    }

    /// The disk turns read-only under the open database, as a failing disk
    /// does. What was written before is synced first.
    fn turn_read_only(&self) {
        run("sync", &["-f", &self.dir.to_string_lossy()]);
        run(
            "mount",
            &["-o", "remount,abort", &self.dir.to_string_lossy()],
        );
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        if self.mounted {
            let unmounted = Command::new("umount").arg(&self.dir).status();
            if !matches!(unmounted, Ok(status) if status.success()) {
                let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
            }
        }
    }
}

/// Sends writes until one is refused; returns the refusal and its key.
/// (SQLite reuses the space of its write-ahead log, so the first writes on
/// a full disk may still fit.)
async fn write_until_refused(server: &Server, referrer: &Referrer) -> (reqwest::Response, String) {
    for n in 0..2000 {
        let key = format!("full-{n}");
        let started = Instant::now();
        let response = referrer.send(server, &key).await.unwrap();
        assert!(
            started.elapsed() < QUICK,
            "a write took {:?}",
            started.elapsed()
        );
        if response.status() != 201 {
            return (response, key);
        }
    }
    panic!("2000 writes went through on a full disk")
}

async fn reads_still_work(server: &Server, referrer: &Referrer, referral: &str) {
    assert_eq!(referrer.list(server).await.unwrap().status(), 200);
    assert_eq!(referrer.read(server, referral).await.unwrap().status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_then_read_only_sqlite_disk_refuses_writes_clearly_and_recovers() {
    let folder = tempfile::tempdir().unwrap();
    let mut disk = SmallDisk::create(folder.path().join("disk.img"), folder.path().join("disk"));
    let database = Database::sqlite(&disk.dir.join("warren.db"));
    let launch = || Launch {
        database_url: &database.url,
        data_dir: folder.path(),
        demo: true,
        pool_timeout_ms: 1000,
    };
    let server = Server::start(launch()).await;
    let referrer = Referrer::of_demo(&server, &database).await;
    let (_, first) = created(referrer.send(&server, "before-full").await.unwrap()).await;

    // Full: writes are refused with 507 and nothing else breaks.
    let filler = disk.fill();
    let (refused, refused_key) = write_until_refused(&server, &referrer).await;
    let problem = expect_problem(refused, 507).await;
    assert_eq!(problem["code"], "insufficient_storage", "{problem}");
    for n in 0..3 {
        let started = Instant::now();
        let response = referrer
            .send(&server, &format!("still-full-{n}"))
            .await
            .unwrap();
        expect_problem(response, 507).await;
        assert!(started.elapsed() < QUICK);
    }
    reads_still_work(&server, &referrer, &first).await;
    assert!(server.is_running(), "a full disk does not end the server");

    // Space again: writes go through without a restart.
    std::fs::remove_file(filler).unwrap();
    let (_, after_full) = created(referrer.send(&server, "after-full").await.unwrap()).await;

    // Read-only: writes are refused with a clear 503; reads go on.
    disk.turn_read_only();
    for n in 0..3 {
        let started = Instant::now();
        let response = referrer
            .send(&server, &format!("read-only-{n}"))
            .await
            .unwrap();
        let problem = expect_problem(response, 503).await;
        assert_eq!(problem["code"], "storage_read_only", "{problem}");
        assert!(started.elapsed() < QUICK);
    }
    reads_still_work(&server, &referrer, &after_full).await;
    assert!(
        server.is_running(),
        "a read-only disk does not end the server"
    );

    // The disk is repaired (mounted again); the server starts on it and writes.
    server.kill();
    server.wait();
    disk.unmount();
    disk.mount();
    let server = Server::start(Launch {
        demo: false,
        ..launch()
    })
    .await;
    for referral in [&first, &after_full] {
        assert_eq!(
            referrer.read(&server, referral).await.unwrap().status(),
            200
        );
    }
    created(referrer.send(&server, "repaired").await.unwrap()).await;
    drop(server);
    assert_eq!(
        database.text("SELECT integrity_check AS value FROM pragma_integrity_check"),
        "ok"
    );
    let refused_keys = [
        refused_key,
        "still-full-0".into(),
        "read-only-0".into(),
        "read-only-2".into(),
    ];
    for key in refused_keys {
        let stored = database.count(&format!(
            "SELECT CAST(COUNT(*) AS TEXT) AS value FROM referrals WHERE reason = '{}'",
            Referrer::reason(&key)
        ));
        assert_eq!(stored, 0, "the refused {key} left nothing behind");
    }
}
