//! Files on a case through the API, on both databases: a photo on a
//! referral loses its metadata and gains a thumbnail; a radiograph on a
//! consult is read by the specialist, who answers with a report; outsiders
//! get the same 404 as for no file, volunteers attach to the referral but
//! not to the consult; a retried upload stores one file; bad files are
//! refused with a 4xx and store nothing; a removed file's bytes go with the
//! sweep, as do bytes no file names; and the same holds with the files in
//! an S3 bucket (moto's server) instead of the local folder.

use std::io::Cursor;

use reqwest::Method;
use uuid::Uuid;
use warren_client::{Client, ClientError, FileUpload};
use warren_domain::attachments::{AttachmentKind, MediaType};
use warren_tests::s3::S3Server;
use warren_tests::*;

use crate::specialists::{dentist, note, rabbit_request, site};

fn status_of(error: &ClientError) -> u16 {
    error.status().unwrap_or_default()
}

fn field_of(error: &ClientError) -> String {
    match error {
        ClientError::Problem(problem) => problem
            .errors
            .first()
            .map(|e| e.field.clone())
            .unwrap_or_default(),
        other => panic!("{other:?}"),
    }
}

/// A gradient image, so that it compresses like a picture rather than a
/// flat colour.
fn picture(width: u32, height: u32) -> image::DynamicImage {
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 7 % 256) as u8,
            (y * 5 % 256) as u8,
            ((x + y) % 256) as u8,
        ])
    }))
}

fn encoded(image: &image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// Where the phone photo says it was taken.
const GPS_TEXT: &[u8] = b"GPSLatitude 51.4545 N GPSLongitude 2.5879 W";

/// A phone photo: a JPEG with an Exif segment holding `GPS_TEXT`.
fn phone_photo() -> Vec<u8> {
    let jpeg = encoded(&picture(640, 480), image::ImageFormat::Jpeg);
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\0\0\0\0\0".to_vec();
    exif.extend_from_slice(GPS_TEXT);
    let length = u16::try_from(exif.len() + 2).unwrap();
    let mut photo = jpeg[..2].to_vec();
    photo.extend_from_slice(&[0xff, 0xe1]);
    photo.extend_from_slice(&length.to_be_bytes());
    photo.extend_from_slice(&exif);
    photo.extend_from_slice(&jpeg[2..]);
    photo
}

/// A PNG whose header claims `side` × `side` pixels over a tiny body: what
/// would take gigabytes to decode.
fn decompression_bomb(side: u32) -> Vec<u8> {
    let mut png = encoded(&picture(8, 8), image::ImageFormat::Png);
    // The IHDR chunk: length (4), "IHDR" (4), width, height, … then its CRC.
    png[16..20].copy_from_slice(&side.to_be_bytes());
    png[20..24].copy_from_slice(&side.to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(&png[12..29]);
    png[29..33].copy_from_slice(&crc.sum().to_be_bytes());
    png
}

const PDF: &[u8] =
    b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

fn upload(name: &str, bytes: Vec<u8>, caption: Option<&str>) -> FileUpload {
    FileUpload {
        file_name: name.into(),
        bytes,
        caption: caption.map(str::to_owned),
    }
}

/// A rescue refers a rabbit to a hospital; a dental specialist elsewhere
/// takes consults; a volunteer of the rescue; a stranger clinic.
struct Case {
    rescue: Client,
    hospital: Client,
    volunteer: Client,
    specialist: Client,
    specialist_id: Uuid,
    stranger: Client,
    referral: Uuid,
}

async fn case(app: &TestApp) -> Case {
    let coordinator = app.network_admin().await;
    let (rescue_id, rescue) = app
        .vetted(&coordinator, "Hedgerow Rescue", "a@hedgerow.test")
        .await;
    let (hospital_id, hospital) = app
        .vetted(&coordinator, "Avon Exotics", "b@avon.test")
        .await;
    let hospital_site = hospital
        .create_site(hospital_id, &site("Avon Exotics Hospital"), None)
        .await
        .unwrap()
        .value
        .listing
        .id;
    let (_, specialist) = app
        .vetted(
            &coordinator,
            "Meadow Dental Referrals",
            "dentist@meadow.test",
        )
        .await;
    let specialist_id = specialist
        .put_my_specialist_profile(&dentist(), None)
        .await
        .unwrap()
        .value
        .user_id;
    let (_, stranger) = app
        .vetted(&coordinator, "Far Away Rescue", "c@faraway.test")
        .await;
    let volunteer = app
        .member(&rescue, rescue_id, "driver@hedgerow.test", Role::Volunteer)
        .await;
    let referral = rescue
        .create_referral(rescue_id, &rabbit_request(hospital_site), None)
        .await
        .unwrap()
        .items[0]
        .id;
    Case {
        rescue,
        hospital,
        volunteer,
        specialist,
        specialist_id,
        stranger,
        referral,
    }
}

/// Every stored object's digest, sorted.
async fn stored(app: &TestApp) -> Vec<String> {
    let mut digests = app.files.digests().await.unwrap();
    digests.sort();
    digests
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// The walk every storage backend must pass: attach, read, refuse
/// outsiders, remove, sweep.
async fn files_travel_with_the_case(app: &TestApp) {
    let case = case(app).await;

    // The rescue attaches a phone photo of the wound: re-encoded without its
    // metadata, with a thumbnail, under a safe name.
    let photo = phone_photo();
    assert!(contains(&photo, GPS_TEXT));
    let wound = case
        .rescue
        .attach_to_referral(
            case.referral,
            &upload(
                "../wound <day 1>.jpeg",
                photo,
                Some("Wound on the left flank, day 1"),
            ),
            None,
            None,
        )
        .await
        .unwrap();
    assert_eq!(wound.kind, AttachmentKind::Image);
    assert_eq!(wound.media_type, MediaType::Jpeg);
    assert_eq!(wound.file_name, "wound day 1.jpg");
    assert_eq!((wound.width, wound.height), (Some(640), Some(480)));
    assert!(wound.has_thumbnail);
    assert!(wound.can_remove);
    assert_eq!(wound.organization_name, "Hedgerow Rescue");
    let content = case.hospital.attachment_content(wound.id).await.unwrap();
    assert_eq!(content.media_type, "image/jpeg");
    assert!(!contains(&content.bytes, GPS_TEXT), "the location is gone");
    assert!(
        !contains(&content.bytes, b"Exif"),
        "no Exif segment is kept"
    );
    let decoded = image::load_from_memory(&content.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (640, 480));
    let thumbnail = case.hospital.attachment_thumbnail(wound.id).await.unwrap();
    assert_eq!(thumbnail.media_type, "image/jpeg");
    let small = image::load_from_memory(&thumbnail.bytes).unwrap();
    assert_eq!((small.width(), small.height()), (320, 240));

    // It is shown inline, cannot run anything, and downloads under its name.
    let answer = case
        .hospital
        .exchange(case.hospital.request(
            Method::GET,
            &format!("/api/v1/attachments/{}/content", wound.id),
        ))
        .await
        .unwrap();
    let header = |name: &str| {
        answer
            .headers
            .get(name)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert!(header("content-security-policy").contains("sandbox"));
    assert!(header("content-security-policy").contains("default-src 'none'"));
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(
        header("content-disposition"),
        "inline; filename=\"wound day 1.jpg\""
    );
    let download = case
        .hospital
        .exchange(case.hospital.request(
            Method::GET,
            &format!("/api/v1/attachments/{}/content?download=true", wound.id),
        ))
        .await
        .unwrap();
    assert_eq!(
        download.headers.get("content-disposition").unwrap(),
        "attachment; filename=\"wound day 1.jpg\""
    );

    // The hospital sees it and may not remove it; outsiders get 404 for it
    // as for no file at all, and cannot attach.
    let listed = case
        .hospital
        .referral_attachments(case.referral)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    assert!(!listed.items[0].can_remove);
    let refused = case.hospital.remove_attachment(wound.id).await.unwrap_err();
    assert_eq!(status_of(&refused), 403);
    for outsider in [&case.stranger, &case.specialist] {
        assert_eq!(
            status_of(&outsider.attachment(wound.id).await.unwrap_err()),
            404
        );
        assert_eq!(
            status_of(&outsider.attachment_content(wound.id).await.unwrap_err()),
            404
        );
        assert_eq!(
            status_of(&outsider.attachment_thumbnail(wound.id).await.unwrap_err()),
            404
        );
        assert_eq!(
            status_of(
                &outsider
                    .referral_attachments(case.referral)
                    .await
                    .unwrap_err()
            ),
            404
        );
        let attach = outsider
            .attach_to_referral(
                case.referral,
                &upload("x.pdf", PDF.to_vec(), None),
                None,
                None,
            )
            .await
            .unwrap_err();
        assert_eq!(status_of(&attach), 404);
    }
    let nothing = case.hospital.attachment(Uuid::new_v4()).await.unwrap_err();
    assert_eq!(status_of(&nothing), 404);

    // The hospital asks the specialist, with the radiograph on the consult.
    let consult = case
        .hospital
        .request_consult(
            case.referral,
            &warren_wire::RequestConsultRequest {
                specialist_user_id: case.specialist_id,
                question: note("Please read the skull radiograph: tooth root elongation?"),
                urgent: false,
            },
            None,
        )
        .await
        .unwrap();
    let radiograph_bytes = encoded(&picture(800, 600), image::ImageFormat::Png);
    let radiograph = case
        .hospital
        .attach_to_consult(
            consult.id,
            &upload(
                "skull-lateral.png",
                radiograph_bytes,
                Some("Skull, lateral"),
            ),
            None,
        )
        .await
        .unwrap();
    assert_eq!(radiograph.consult_id, Some(consult.id));
    assert_eq!(radiograph.media_type, MediaType::Png);
    // Lossless: the pixels are the ones sent.
    let read = case
        .specialist
        .attachment_content(radiograph.id)
        .await
        .unwrap();
    assert_eq!(
        image::load_from_memory(&read.bytes).unwrap().to_rgb8(),
        picture(800, 600).to_rgb8()
    );
    let on_consult = case
        .specialist
        .consult_attachments(consult.id)
        .await
        .unwrap();
    assert_eq!(on_consult.items.len(), 1);
    // The specialist reads the consult's files, not the rest of the case.
    assert_eq!(
        status_of(&case.specialist.attachment(wound.id).await.unwrap_err()),
        404
    );
    // … and answers with a report.
    let report = case
        .specialist
        .attach_to_consult(
            consult.id,
            &upload("report.pdf", PDF.to_vec(), Some("Report")),
            None,
        )
        .await
        .unwrap();
    assert_eq!(report.kind, AttachmentKind::Pdf);
    assert_eq!(report.organization_name, "Meadow Dental Referrals");
    assert_eq!(
        case.rescue
            .attachment_content(report.id)
            .await
            .unwrap()
            .bytes,
        PDF.to_vec()
    );
    assert_eq!(
        status_of(
            &case
                .stranger
                .consult_attachments(consult.id)
                .await
                .unwrap_err()
        ),
        404
    );

    // A volunteer of the rescue attaches to the referral, not to the consult.
    let from_the_van = case
        .volunteer
        .attach_to_referral(
            case.referral,
            &upload("van.pdf", PDF.to_vec(), None),
            None,
            None,
        )
        .await
        .unwrap();
    assert!(from_the_van.can_remove);
    let refused = case
        .volunteer
        .attach_to_consult(consult.id, &upload("x.pdf", PDF.to_vec(), None), None)
        .await
        .unwrap_err();
    assert_eq!(status_of(&refused), 403);
    let refused = case
        .volunteer
        .remove_attachment(wound.id)
        .await
        .unwrap_err();
    assert_eq!(status_of(&refused), 403);
    let all = case
        .rescue
        .referral_attachments(case.referral)
        .await
        .unwrap();
    let ids: Vec<Uuid> = all.items.iter().map(|a| a.id).collect();
    assert_eq!(ids, [wound.id, radiograph.id, report.id, from_the_van.id]);

    // A retry with the same key answers the first file and stores nothing
    // new; the same key for another file is refused.
    let key = Uuid::new_v4().to_string();
    let first = case
        .rescue
        .attach_to_referral(
            case.referral,
            &upload("a.pdf", PDF.to_vec(), None),
            None,
            Some(&key),
        )
        .await
        .unwrap();
    let again = case
        .rescue
        .attach_to_referral(
            case.referral,
            &upload("a.pdf", PDF.to_vec(), None),
            None,
            Some(&key),
        )
        .await
        .unwrap();
    assert_eq!(first.id, again.id);
    let other = case
        .rescue
        .attach_to_referral(
            case.referral,
            &upload(
                "b.png",
                encoded(&picture(9, 9), image::ImageFormat::Png),
                None,
            ),
            None,
            Some(&key),
        )
        .await
        .unwrap_err();
    assert_eq!(status_of(&other), 422);
    assert_eq!(
        case.rescue
            .referral_attachments(case.referral)
            .await
            .unwrap()
            .items
            .len(),
        5
    );

    // Removing the wound photo keeps its bytes until the sweep; the sweep
    // removes only what no file names.
    let wound_digests: Vec<String> = {
        let row = warren_store::attachments::one(
            &mut app.store.connection().unwrap(),
            &wound.id.to_string(),
        )
        .unwrap();
        vec![row.sha256, row.thumbnail_sha256.unwrap()]
    };
    case.rescue.remove_attachment(wound.id).await.unwrap();
    assert_eq!(
        status_of(
            &case
                .hospital
                .attachment_content(wound.id)
                .await
                .unwrap_err()
        ),
        404
    );
    let kept = stored(app).await;
    assert!(wound_digests.iter().all(|digest| kept.contains(digest)));
    app.files.sweep(&app.store, None).await.unwrap();
    assert_eq!(
        stored(app).await,
        kept,
        "nothing younger than an hour is swept"
    );
    app.files
        .sweep(&app.store, Some(std::time::Duration::ZERO))
        .await
        .unwrap();
    let after = stored(app).await;
    assert!(wound_digests.iter().all(|digest| !after.contains(digest)));
    for file in [&radiograph, &report, &from_the_van, &first] {
        let content = case.rescue.attachment_content(file.id).await.unwrap();
        assert!(
            !content.bytes.is_empty(),
            "{} is still readable",
            file.file_name
        );
    }
    // Bytes a failed upload left behind (stored, then no row) are swept too.
    app.files
        .put("0".repeat(64).as_str(), PDF.to_vec().into())
        .await
        .unwrap();
    app.files
        .sweep(&app.store, Some(std::time::Duration::ZERO))
        .await
        .unwrap();
    assert!(!stored(app).await.contains(&"0".repeat(64)));
}

warren_tests::on_both_databases! {
    async fn files_travel_with_the_case_and_only_to_those_on_it(app) {
        files_travel_with_the_case(&app).await;
    }
}

warren_tests::on_both_databases! {
    async fn bad_files_are_refused_and_nothing_is_stored(backend: Backend) {
        let app = TestApp::spawn_with(backend, |config| config.files.max_bytes = 200_000).await;
        let case = case(&app).await;
        let attach = |file: FileUpload| {
            let rescue = case.rescue.clone();
            let referral = case.referral;
            async move { rescue.attach_to_referral(referral, &file, None, None).await.unwrap_err() }
        };
        // A script behind an image's name, an SVG, a zip: judged by content.
        for (name, bytes) in [
            ("wound.png", b"<script>alert(document.cookie)</script>".to_vec()),
            ("x.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec()),
            ("notes.pdf", b"PK\x03\x04\x14\0\0\0\x08\0".to_vec()),
        ] {
            let refused = attach(upload(name, bytes, None)).await;
            assert_eq!(status_of(&refused), 422, "{name}");
            assert_eq!(field_of(&refused), "file");
        }
        // A cut-short image, an image made to exhaust memory, nothing at all.
        let whole = encoded(&picture(200, 200), image::ImageFormat::Png);
        let cut = attach(upload("cut.png", whole[..whole.len() / 2].to_vec(), None)).await;
        assert_eq!(status_of(&cut), 422);
        let bomb = attach(upload("bomb.png", decompression_bomb(60_000), None)).await;
        assert_eq!(status_of(&bomb), 422);
        match &bomb {
            ClientError::Problem(problem) => assert!(
                problem.errors[0].message.contains("pixels"),
                "{:?}",
                problem.errors
            ),
            other => panic!("{other:?}"),
        }
        let empty = attach(upload("empty.jpg", Vec::new(), None)).await;
        assert_eq!(status_of(&empty), 422);
        // Over the limit.
        let mut big = PDF.to_vec();
        big.resize(200_001, b' ');
        assert_eq!(status_of(&attach(upload("big.pdf", big, None)).await), 413);
        // A caption on two lines; a message of another case.
        let two_lines = attach(upload("a.pdf", PDF.to_vec(), Some("one\ntwo"))).await;
        assert_eq!(field_of(&two_lines), "caption");
        let elsewhere = case
            .rescue
            .attach_to_referral(
                case.referral,
                &upload("a.pdf", PDF.to_vec(), None),
                Some(Uuid::new_v4()),
                None,
            )
            .await
            .unwrap_err();
        assert_eq!(field_of(&elsewhere), "message_id");

        // Not a form, a broken form, a form without a file, an unknown part.
        let path = format!("/api/v1/referrals/{}/attachments", case.referral);
        let raw = |content_type: &'static str, body: &'static [u8]| {
            case.rescue
                .request(Method::POST, &path)
                .header("content-type", content_type)
                .body(body)
        };
        for (content_type, body, status) in [
            ("application/json", &b"{\"file\": \"x\"}"[..], 400),
            ("multipart/form-data; boundary=XYZ", &b"--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.7 cut off"[..], 400),
            ("multipart/form-data", &b"--\r\n\r\n"[..], 400),
            ("multipart/form-data; boundary=XYZ", &b"--XYZ\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nhello\r\n--XYZ--\r\n"[..], 422),
            ("multipart/form-data; boundary=XYZ", &b"--XYZ\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nhello\r\n--XYZ--\r\n"[..], 422),
        ] {
            let answer = case.rescue.exchange(raw(content_type, body)).await.unwrap();
            assert_eq!(answer.status.as_u16(), status, "{content_type}: {}", answer.body);
            assert_eq!(
                answer.headers.get("content-type").unwrap(),
                "application/problem+json"
            );
        }
        assert!(case.rescue.referral_attachments(case.referral).await.unwrap().items.is_empty());
        assert_eq!(stored(&app).await, Vec::<String>::new(), "nothing was stored");
    }
}

warren_tests::on_one_database! { Postgres:
    async fn files_kept_in_an_s3_bucket_travel_the_same_way(backend: Backend) {
        let s3 = S3Server::start().await;
        let mut config_folder = std::path::PathBuf::new();
        let app = TestApp::spawn_with(backend, |config| {
            config.files = s3.settings(config.data_dir.join("files"));
            config_folder = config.files.folder.clone();
        })
        .await;
        files_travel_with_the_case(&app).await;
        // Nothing went to the local folder.
        assert_eq!(app.files.folder, None);
        assert!(!config_folder.exists(), "{}", config_folder.display());
        let bucket_listing = reqwest::get(format!("{}/{}?list-type=2", s3.endpoint(), warren_tests::s3::BUCKET))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(bucket_listing.contains("files/"), "{bucket_listing}");
    }
}

warren_tests::on_one_database! { Sqlite:
    async fn a_backup_keeps_the_files_and_restores_with_them(app) {
        let case = case(&app).await;
        let photo = case
            .rescue
            .attach_to_referral(case.referral, &upload("wound.jpg", phone_photo(), None), None, None)
            .await
            .unwrap();
        let original = case.rescue.attachment_content(photo.id).await.unwrap();

        // `warren backup PATH` writes the database to PATH and the files to
        // PATH.files (see `warren_api::files::back_up`).
        let backups = tempfile::tempdir().unwrap();
        let database = backups.path().join("warren.db");
        let files = backups.path().join("warren.db.files");
        let store = app.store.clone();
        let copy = database.clone();
        tokio::task::spawn_blocking(move || store.backup(&copy)).await.unwrap().unwrap();
        let settings = warren_api::config::FileSettings {
            object_store_url: None,
            object_store_options: vec![],
            folder: app.files.folder.clone().expect("the local folder"),
            max_bytes: 1,
            sweep_age: std::time::Duration::from_secs(3600),
        };
        let copied = warren_api::files::back_up(&settings, &files).unwrap();
        assert_eq!(copied, Some(2), "the photo and its thumbnail");
        assert!(warren_api::files::back_up(&settings, &files).is_err(), "never over a backup");

        // A server restored from the two serves the same file.
        let restored = TestApp::spawn_with(Backend::Sqlite, |config| {
            config.database_url = database.to_string_lossy().into_owned();
            config.files.folder = files.clone();
        })
        .await;
        let rescue = restored.signed_in("a@hedgerow.test").await;
        let content = rescue.attachment_content(photo.id).await.unwrap();
        assert_eq!(content.bytes, original.bytes);
        assert!(rescue.attachment_thumbnail(photo.id).await.is_ok());
    }
}
