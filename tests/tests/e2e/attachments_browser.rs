//! Files on a case in real headless Chromium against a real server: a
//! clinician of the receiving clinic attaches two skull radiographs to the
//! consult a dentist was asked, sees their thumbnails on the referral's
//! page, is told at once that a "PNG" which is really text cannot be
//! attached (nothing is sent), and drops a lab report on the case's files;
//! the dentist, in a browser of their own, opens a radiograph from the
//! consult inbox, zooms, brightens and compares it with the other, closes
//! the viewer with Escape and answers.
//!
//! Needs what `browser.rs` needs: the built SPA, Chromium and chromedriver.
//! Screenshots of the referral's files and of the viewer, at desktop and
//! phone width, go to the artifacts folder.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use fantoccini::{Client, Locator};
use warren_tests::*;
use warren_wire::{ConsultStatus, RequestConsultRequest};

use crate::browser::{appears, artifact, backend_name, browser, click, screenshots, sign_in};
use crate::specialists::{dentist, note, rabbit_request, site};

/// A grayscale PNG `width` × `height` pixels, darker towards the edges like
/// a radiograph: written by hand (signature, IHDR, one zlib IDAT, IEND) so
/// the test needs no image library.
fn radiograph_png(width: u32, height: u32) -> Vec<u8> {
    fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        png.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        png.extend_from_slice(&crc.sum().to_be_bytes());
    }
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    // 8 bits per sample, grayscale, deflate, no filter method, no interlace.
    header.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut pixels = Vec::new();
    for y in 0..height {
        pixels.push(0); // Each row: filter type "none", then its samples.
        for x in 0..width {
            let dx = f64::from(x) / f64::from(width) - 0.5;
            let dy = f64::from(y) / f64::from(height) - 0.5;
            let level = 230.0 - 400.0 * (dx * dx + dy * dy);
            pixels.push(level.clamp(20.0, 255.0) as u8);
        }
    }
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&pixels).unwrap();
    let data = encoder.finish().unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &data);
    chunk(&mut png, b"IEND", &[]);
    png
}

/// Waits up to 20 s for the script `condition` (an expression) to be true.
async fn until(browser: &Client, condition: &str, what: &str) {
    let script = format!("return Boolean({condition});");
    for _ in 0..200 {
        if browser.execute(&script, vec![]).await.unwrap().as_bool() == Some(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: `{condition}` stayed false");
}

/// Saves a screenshot of what the window shows, `width` pixels wide.
async fn window_shot(browser: &Client, width: u32, file: &str) {
    browser.set_window_size(width, 900).await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    std::fs::write(artifact(file), browser.screenshot().await.unwrap()).unwrap();
}

fn path_text(path: &Path) -> String {
    path.to_str().unwrap().to_owned()
}

/// Types `text` into the input `css` until it holds it. The referral's
/// consults are drawn again when its case thread loads, and the input with
/// them (what was typed stays): an input found just before may be gone.
async fn type_text(browser: &Client, css: &str, text: &str) {
    for _ in 0..100 {
        if let Ok(input) = browser.find(Locator::Css(css)).await {
            match input.prop("value").await {
                Ok(Some(value)) if value == text => return,
                Ok(_) => {
                    let _ = input.clear().await;
                    let _ = input.send_keys(text).await;
                }
                Err(_) => {}
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} does not take {text:?}");
}

/// Chooses the files `paths` in the file input `css` (found again if it was
/// drawn again meanwhile).
async fn choose_files(browser: &Client, css: &str, paths: &[&Path]) {
    let paths = paths
        .iter()
        .map(|path| path_text(path))
        .collect::<Vec<_>>()
        .join("\n");
    for _ in 0..100 {
        if let Ok(input) = browser.find(Locator::Css(css)).await
            && input.send_keys(&paths).await.is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} does not take {paths}");
}

warren_tests::on_one_database! { Postgres:
    async fn a_clinician_attaches_radiographs_to_a_consult_and_the_specialist_reads_them_in_the_viewer(app) {
        let coordinator = app.network_admin().await;
        let (harbour, harbour_admin) = app.vetted(&coordinator, "Harbour Vets", "a@harbour.test").await;
        let (avon, avon_admin) = app.vetted(&coordinator, "Avon Exotics", "b@avon.test").await;
        let avon_site = avon_admin.create_site(avon, &site("Avon Exotics Hospital"), None).await.unwrap().value.listing.id;
        let avon_vet = app.member(&avon_admin, avon, "vet@avon.test", Role::Clinician).await;
        let (meadow, meadow_admin) = app.vetted(&coordinator, "Meadow Dental Referrals", "c@meadow.test").await;
        let dentist_client = app.member(&meadow_admin, meadow, "dentist@meadow.test", Role::Clinician).await;
        let dentist_id = dentist_client.put_my_specialist_profile(&dentist(), None).await.unwrap().value.user_id;
        let referral = harbour_admin
            .create_referral(harbour, &rabbit_request(avon_site), None)
            .await
            .unwrap()
            .items[0]
            .id;
        // The receiving clinic's vet asked the dentist (the asking itself is
        // `specialists_browser`'s).
        let consult = avon_vet
            .request_consult(
                referral,
                &RequestConsultRequest {
                    specialist_user_id: dentist_id,
                    question: note("Retrobulbar abscess on these skull radiographs, or only elongated roots?"),
                    urgent: false,
                },
                None,
            )
            .await
            .unwrap()
            .id;

        let folder = tempfile::tempdir().unwrap();
        let day_one = folder.path().join("skull lateral day 1.png");
        let day_three = folder.path().join("skull lateral day 3.png");
        let not_an_image = folder.path().join("notes.png");
        std::fs::write(&day_one, radiograph_png(96, 64)).unwrap();
        std::fs::write(&day_three, radiograph_png(80, 60)).unwrap();
        std::fs::write(&not_an_image, "Owner says she stopped eating on Monday.\n").unwrap();

        // Avon's vet attaches both radiographs to the consult at once, with a caption.
        let (vet_browser, _vet_driver) = browser().await;
        sign_in(&vet_browser, &app, "vet@avon.test").await;
        vet_browser.goto(&format!("{}/referrals/{referral}", app.url)).await.unwrap();
        appears(&vet_browser, Locator::Css("[data-testid=live][data-state=live]"), "the referral page is live").await;
        let consult_files = format!("[data-testid=case-files][data-parent=consult][data-parent-id='{consult}']");
        appears(&vet_browser, Locator::Css(&format!("{consult_files} [data-testid=no-files]")), "the consult has no files yet").await;
        type_text(&vet_browser, &format!("#caption-{consult}"), "Skull, lateral view").await;
        choose_files(&vet_browser, &format!("#attach-{consult}"), &[&day_one, &day_three]).await;
        let thumbnails = format!("{consult_files} [data-testid=attachment] img[data-testid=attachment-thumbnail]");
        until(
            &vet_browser,
            &format!(
                "[...document.querySelectorAll(\"{thumbnails}\")].filter(img => img.complete && img.naturalWidth > 0).length === 2"
            ),
            "both thumbnails load on the consult",
        )
        .await;
        let stored = avon_vet.consult_attachments(consult).await.unwrap().items;
        assert_eq!(stored.len(), 2, "{stored:?}");
        assert!(stored.iter().all(|file| file.has_thumbnail && file.caption.as_deref() == Some("Skull, lateral view")), "{stored:?}");
        // Both were sent at once: either may have arrived first.
        let named = |name: &str| stored.iter().find(|file| file.file_name == name).unwrap_or_else(|| panic!("{name} in {stored:?}")).id;
        let (first, second) = (named("skull lateral day 1.png"), named("skull lateral day 3.png"));
        let card = vet_browser
            .find(Locator::Css(&format!("{consult_files} [data-testid=attachment][data-attachment-id='{first}']")))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(card.contains("Skull, lateral view"), "{card}");
        assert!(card.contains("skull lateral day 1.png"), "{card}");
        assert!(card.contains("96 × 64 px"), "{card}");
        assert!(card.contains("Avon Exotics"), "{card}");
        // The case's own files show what was sent with the consult too.
        until(
            &vet_browser,
            "[...document.querySelectorAll('[data-testid=case-files][data-parent=referral] img[data-testid=attachment-thumbnail]')].filter(img => img.naturalWidth > 0).length === 2",
            "the referral's files list the consult's",
        )
        .await;

        // A text file named .png is refused in the browser, before anything is sent.
        choose_files(&vet_browser, &format!("#attach-{consult}"), &[&not_an_image]).await;
        let refusal = appears(
            &vet_browser,
            Locator::Css(&format!("{consult_files} [data-testid=upload][data-state=refused] [data-testid=upload-error]")),
            "the wrong file is refused",
        )
        .await
        .text()
        .await
        .unwrap();
        assert!(refusal.contains("notes.png is not a JPEG, PNG or WebP image"), "{refusal}");
        assert!(refusal.contains("judged by its content"), "{refusal}");
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(avon_vet.consult_attachments(consult).await.unwrap().items.len(), 2, "nothing more was stored");
        // A lab report dropped on the case's files goes to the referral itself.
        vet_browser
            .execute(
                "const section = document.querySelector('[data-testid=case-files][data-parent=referral]');
                 const transfer = new DataTransfer();
                 transfer.items.add(new File(['%PDF-1.4\\n1 0 obj<<>>endobj\\ntrailer<<>>\\n%%EOF\\n'], 'bloods.pdf', { type: 'application/pdf' }));
                 for (const type of ['dragenter', 'dragover', 'drop']) {
                   section.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
                 }",
                vec![],
            )
            .await
            .unwrap();
        let report = appears(
            &vet_browser,
            Locator::Css("[data-testid=case-files][data-parent=referral] [data-testid=attachment][data-kind=pdf]"),
            "the dropped report is listed",
        )
        .await
        .text()
        .await
        .unwrap();
        assert!(report.contains("bloods.pdf") && report.contains("PDF"), "{report}");
        let case_files = avon_vet.referral_attachments(referral).await.unwrap().items;
        assert_eq!(case_files.len(), 3, "{case_files:?}");
        assert!(case_files.iter().any(|file| file.file_name == "bloods.pdf" && file.consult_id.is_none()), "{case_files:?}");
        screenshots(&vet_browser, "attachments-referral", app.backend).await;

        // The dentist opens a radiograph from the inbox.
        let (dentist_browser, _dentist_driver) = browser().await;
        sign_in(&dentist_browser, &app, "dentist@meadow.test").await;
        dentist_browser.goto(&format!("{}/consults", app.url)).await.unwrap();
        let card = format!("[data-testid=consult-card][data-consult-id='{consult}']");
        until(
            &dentist_browser,
            &format!("[...document.querySelectorAll(\"{card} img[data-testid=attachment-thumbnail]\")].filter(img => img.naturalWidth > 0).length === 2"),
            "the dentist sees both thumbnails",
        )
        .await;
        let opener = format!("{card} [data-open-attachment='{first}']");
        click(&dentist_browser, &opener, "the first radiograph opens").await;
        appears(&dentist_browser, Locator::Css("dialog[data-testid=viewer][open]"), "the viewer opens").await;
        until(
            &dentist_browser,
            "(() => { const img = document.querySelector('[data-testid=viewer-image]'); return img && img.complete && img.naturalWidth === 96 && img.naturalHeight === 64; })()",
            "the viewer shows the full image",
        )
        .await;
        click(&dentist_browser, "[data-testid=viewer-zoom-in]", "zoom in").await;
        click(&dentist_browser, "[data-testid=viewer-zoom-in]", "zoom in again").await;
        let zoom = dentist_browser.find(Locator::Css("[data-testid=viewer-zoom]")).await.unwrap().text().await.unwrap();
        assert_eq!(zoom, "156 %");
        // Three steps brighter, with the keyboard as a person would.
        let brightness = dentist_browser.find(Locator::Css("[data-testid=viewer-brightness]")).await.unwrap();
        brightness.send_keys("\u{E014}\u{E014}\u{E014}").await.unwrap();
        until(
            &dentist_browser,
            "document.querySelector('[data-testid=viewer-image]').style.filter === 'brightness(115%) contrast(100%)'",
            "the image is brighter",
        )
        .await;
        let transform: String = dentist_browser
            .execute("return document.querySelector('[data-testid=viewer-image]').style.transform;", vec![])
            .await
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned();
        assert!(transform.contains("scale(1.5625)"), "{transform}");
        // Side by side with day 3, sharing the settings.
        dentist_browser
            .find(Locator::Css("[data-testid=viewer-compare]"))
            .await
            .unwrap()
            .select_by_value(&second.to_string())
            .await
            .unwrap();
        until(
            &dentist_browser,
            "(() => { const img = document.querySelector('[data-testid=viewer-compare-image]'); return img && img.naturalWidth === 80 && img.style.filter === 'brightness(115%) contrast(100%)'; })()",
            "the day-3 radiograph shows beside it, as bright",
        )
        .await;
        let backend = backend_name(app.backend);
        window_shot(&dentist_browser, 1280, &format!("attachments-viewer-{backend}.png")).await;
        window_shot(&dentist_browser, 390, &format!("attachments-viewer-phone-{backend}.png")).await;
        dentist_browser.set_window_size(1280, 900).await.unwrap();

        // Escape closes it and gives the focus back to the radiograph's card.
        dentist_browser
            .find(Locator::Css("[data-testid=viewer-zoom-in]"))
            .await
            .unwrap()
            .send_keys("\u{E00C}")
            .await
            .unwrap();
        until(&dentist_browser, "!document.querySelector('[data-testid=viewer]')", "the viewer closes").await;
        until(
            &dentist_browser,
            &format!("document.activeElement && document.activeElement.matches(\"{opener}\")"),
            "the focus is back on the card that opened it",
        )
        .await;

        // … and answers.
        dentist_browser
            .find(Locator::Css(&format!("#answer-{consult}")))
            .await
            .unwrap()
            .send_keys("Day 3 shows a retrobulbar abscess: CT, then surgery; elongated roots on both.")
            .await
            .unwrap();
        click(&dentist_browser, &format!("{card} [data-testid=answer-consult]"), "the answer button").await;
        appears(&dentist_browser, Locator::Css("[data-testid=consult-status][data-status=answered]"), "the consult is answered").await;
        let answered = avon_vet.consult(consult).await.unwrap().value;
        assert_eq!(answered.status, ConsultStatus::Answered);
        assert!(answered.answer.unwrap_or_default().contains("retrobulbar abscess"));
        vet_browser.close().await.unwrap();
        dentist_browser.close().await.unwrap();
    }
}
