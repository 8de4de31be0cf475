//! The patient record in real headless Chromium against a real server, two
//! browsers as two organizations: Hedgerow Rescue refers a hedgehog with a
//! photo and gives the finder a status link; Avon Exotics accepts it, which
//! starts the record, sends a radiograph with a dentist's consult, records a
//! weight and a medication, moves it to treatment and refers it back to the
//! rescue from the record; the rescue accepts, makes a plan from the
//! library's milestone and criteria articles, ticks milestones (two of them
//! overdue) and criteria, is refused the release while one criterion is
//! unmet, meets it, releases the hedgehog telling the finder, and logs a
//! sighting; the finder's status page shows the update; the rescue's admin
//! reads the days in care and the release rate on the dashboard.
//!
//! Needs what `browser.rs` needs: the built SPA, Chromium and chromedriver.
//! Screenshots of the record at desktop and phone width, and of the
//! patients page, go to the artifacts folder.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;
use fantoccini::{Client, Locator};
use serde_json::json;
use warren_domain::ShortText;
use warren_domain::referral::{Patient, Sex};
use warren_tests::*;
use warren_wire::{CareStage, CreateArticleRequest, RequestConsultRequest};

use crate::browser::{
    appears, artifact, backend_name, browser, click, sign_in, value_of, whole_page,
};
use crate::specialists::{code, dentist, note, rabbit_request, site};

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

/// Waits up to 20 s for the element `css` to contain `text`.
async fn shows(browser: &Client, css: &str, text: &str, what: &str) -> String {
    let mut seen = String::new();
    for _ in 0..200 {
        if let Ok(element) = browser.find(Locator::Css(css)).await
            && let Ok(found) = element.text().await
        {
            if found.contains(text) {
                return found;
            }
            seen = found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: {css} shows {seen:?}, not {text:?}");
}

/// Types `text` into the input `css`, as a person does.
async fn fill(browser: &Client, css: &str, text: &str) {
    let input = appears(browser, Locator::Css(css), css).await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

/// Chooses `value` in the select `css`.
async fn choose(browser: &Client, css: &str, value: &str) {
    appears(browser, Locator::Css(css), css)
        .await
        .select_by_value(value)
        .await
        .unwrap_or_else(|error| panic!("{css} = {value}: {error}"));
}

/// Puts a date in the date input `css` as the browser's date picker does
/// (typing into one depends on the browser's locale).
async fn pick_date(browser: &Client, css: &str, date: chrono::NaiveDate) {
    let input = appears(browser, Locator::Css(css), css).await;
    browser
        .execute(
            "const input = arguments[0]; input.value = arguments[1];
             input.dispatchEvent(new Event('input', { bubbles: true }));
             input.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![
                serde_json::to_value(&input).unwrap(),
                json!(date.to_string()),
            ],
        )
        .await
        .unwrap();
}

/// Chooses the file `path` in the file input `css`.
async fn choose_file(browser: &Client, css: &str, path: &Path) {
    let path = path.to_str().unwrap();
    for _ in 0..100 {
        if let Ok(input) = browser.find(Locator::Css(css)).await
            && input.send_keys(path).await.is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} does not take {path}");
}

/// Waits for the record to show version `after` or later, so that the next
/// step acts on what the last one did.
async fn record_changed(browser: &Client, before: i64, what: &str) -> i64 {
    for _ in 0..200 {
        if let Ok(record) = browser
            .find(Locator::Css(
                "[data-testid=patient-record][data-state=open]",
            ))
            .await
            && let Some(version) = record.attr("data-version").await.unwrap()
            && let Ok(version) = version.parse::<i64>()
            && version > before
        {
            return version;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: the record stayed at version {before}");
}

/// The version the record shows.
async fn record_version(browser: &Client) -> i64 {
    appears(
        browser,
        Locator::Css("[data-testid=patient-record][data-state=open]"),
        "the record",
    )
    .await
    .attr("data-version")
    .await
    .unwrap()
    .and_then(|version| version.parse().ok())
    .expect("a version")
}

/// Ticks the `index`th (from 1) milestone or criterion as met today, with a
/// note.
async fn meet(browser: &Client, item: &str, index: usize, note: &str) {
    let before = record_version(browser).await;
    let line = format!("[data-testid={item}]:nth-child({index})");
    click(
        browser,
        &format!("{line} [data-testid=meet]"),
        "the Met button",
    )
    .await;
    let field = appears(
        browser,
        Locator::Css(&format!(
            "{line} [data-testid=meet-form] input[id^=meet-note]"
        )),
        "the note",
    )
    .await;
    field.send_keys(note).await.unwrap();
    click(browser, &format!("{line} [data-testid=save-meet]"), "Save").await;
    record_changed(browser, before, "ticked").await;
}

/// Moves the record to `stage` with the stage form.
async fn change_stage(browser: &Client, stage: &str) {
    let before = record_version(browser).await;
    choose(browser, "#record-stage", stage).await;
    click(browser, "[data-testid=change-stage]", "Change stage").await;
    record_changed(browser, before, stage).await;
    appears(
        browser,
        Locator::Css(&format!("[data-testid=stage-now] [data-stage={stage}]")),
        "the new stage is shown",
    )
    .await;
}

/// Screenshots of the record section, and of the whole page, at desktop
/// and phone width; nothing may be wider than the phone.
async fn record_screenshots(browser: &Client, name: &str, backend: Backend) {
    let backend = backend_name(backend);
    for (width, suffix) in [(1280, ""), (390, "-phone")] {
        whole_page(
            browser,
            width,
            &format!("{name}{suffix}-page-{backend}.png"),
        )
        .await;
        let section = browser
            .find(Locator::Css("[data-testid=patient-record]"))
            .await
            .unwrap();
        std::fs::write(
            artifact(&format!("{name}{suffix}-{backend}.png")),
            section.screenshot().await.unwrap(),
        )
        .unwrap();
        let overflow = browser
            .execute(
                "return document.documentElement.scrollWidth - window.innerWidth;",
                vec![],
            )
            .await
            .unwrap()
            .as_i64()
            .unwrap();
        assert!(
            overflow <= 0,
            "{name} is wider than {width} px by {overflow}"
        );
    }
    browser.set_window_size(1280, 900).await.unwrap();
}

/// axe-core's WCAG 2.1 A and AA violations in the element `css`, at
/// desktop and phone width (the checker as `accessibility_browser` loads
/// it).
async fn accessible(browser: &Client, css: &str, what: &str) {
    let axe = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/browser/node_modules/axe-core/axe.min.js"
    ))
    .unwrap_or_else(|error| panic!("axe-core: {error}; `npm ci` in tests/browser installs it"));
    browser.execute(&axe, vec![]).await.unwrap();
    for width in [1280, 390] {
        browser.set_window_size(width, 900).await.unwrap();
        let found = browser
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document.querySelector(arguments[0]), { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                   .then((results) => done(results.violations.map((violation) =>
                     violation.id + ': ' + violation.nodes.map((node) => node.target.join(' ')).join(' | '))))
                   .catch((error) => done(['axe failed: ' + error]));",
                vec![json!(css)],
            )
            .await
            .unwrap();
        assert_eq!(found, json!([]), "{what} at {width} px");
    }
    browser.set_window_size(1280, 900).await.unwrap();
}

fn image(folder: &Path, name: &str) -> PathBuf {
    let path = folder.join(name);
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../web/icons/icon-192.png"),
        &path,
    )
    .unwrap();
    path
}

warren_tests::on_one_database! { Postgres:
    async fn a_hedgehogs_record_travels_to_the_hospital_and_back_and_ends_in_a_release_the_finder_hears_of(app) {
        let coordinator = app.network_admin().await;
        let (rescue_id, rescue) = app.vetted(&coordinator, "Hedgerow Rescue", "a@hedgerow.test").await;
        let (hospital_id, hospital) = app.vetted(&coordinator, "Avon Exotics", "b@avon.test").await;
        let vet = app.member(&hospital, hospital_id, "vet@avon.test", Role::Clinician).await;
        let (meadow, meadow_admin) = app.vetted(&coordinator, "Meadow Dental Referrals", "c@meadow.test").await;
        let dentist_client = app.member(&meadow_admin, meadow, "dentist@meadow.test", Role::Clinician).await;
        let dentist_id = dentist_client.put_my_specialist_profile(&dentist(), None).await.unwrap().value.user_id;
        let rescue_site = rescue.create_site(rescue_id, &site("Hedgerow Rescue Centre"), None).await.unwrap().value.listing.id;
        let hospital_site = hospital.create_site(hospital_id, &site("Avon Exotics Hospital"), None).await.unwrap().value.listing.id;
        // The library's hedgehog articles the plan is made from.
        let article = |kind: &str, title: &str, body: &str| -> CreateArticleRequest {
            serde_json::from_value(json!({
                "kind": kind, "visibility": "network", "title": title, "body_markdown": body,
                "species": ["wildlife/hedgehog"],
            }))
            .unwrap()
        };
        rescue
            .create_article(&article("rehabilitation_milestone", "Hedgehog rehabilitation milestones",
                "From intake to release:\n\n1. **Eating unaided**, by day 3\n2. Gaining weight every day, by day 10\n3. Over 600 g and fit, by day 40\n"), None)
            .await
            .unwrap();
        rescue
            .create_article(&article("reintroduction_criteria", "Hedgehog release criteria",
                "- Weight at least 600 g\n- Active at night on camera\n- Release site checked\n"), None)
            .await
            .unwrap();
        let request = warren_wire::CreateReferralRequest {
            species: code("wildlife/hedgehog"),
            patient: Patient {
                name: Some(ShortText::parse("Juvenile hedgehog, Elm Road").unwrap()),
                sex: Some(Sex::Female),
                age: None,
                weight_grams: Some(serde_json::from_value(json!(420)).unwrap()),
                identifiers: vec![],
            },
            reason: note("Found out by day, wobbly, a wound on the left hind leg"),
            history: None,
            ..rabbit_request(hospital_site)
        };
        let first = rescue.create_referral(rescue_id, &request, None).await.unwrap().items[0].id;
        let folder = tempfile::tempdir().unwrap();
        let photo = image(folder.path(), "hedgehog on arrival.png");
        let radiograph = image(folder.path(), "hind leg radiograph.png");
        let today = Utc::now().date_naive();

        // The rescue attaches a photo and gives the finder a status link;
        // no record yet: nobody has taken the animal.
        let (rescue_browser, _rescue_driver) = browser().await;
        sign_in(&rescue_browser, &app, "a@hedgerow.test").await;
        rescue_browser.goto(&format!("{}/referrals/{first}", app.url)).await.unwrap();
        appears(&rescue_browser, Locator::Css("[data-testid=patient-record][data-state=none]"), "no record before a place accepts").await;
        choose_file(&rescue_browser, &format!("#attach-{first}"), &photo).await;
        until(
            &rescue_browser,
            "[...document.querySelectorAll('[data-testid=case-files][data-parent=referral] img[data-testid=attachment-thumbnail]')].filter(img => img.complete && img.naturalWidth > 0).length === 1",
            "the photo's thumbnail shows",
        )
        .await;
        appears(&rescue_browser, Locator::Css("[data-testid=owner-link] form"), "the owner-link card").await;
        fill(&rescue_browser, "#status-link-label", "Finder, Mrs Price").await;
        click(&rescue_browser, "[data-testid=make-status-link]", "make the link").await;
        appears(&rescue_browser, Locator::Css("#status-link-url"), "the link, shown once").await;
        let status_url = value_of(&rescue_browser, "#status-link-url").await;
        assert!(status_url.contains("/embed/status.html#"), "{status_url}");

        // The hospital's vet accepts: the record starts, at intake, with the
        // referral's weight.
        let (vet_browser, _vet_driver) = browser().await;
        sign_in(&vet_browser, &app, "vet@avon.test").await;
        vet_browser.goto(&format!("{}/referrals/{first}", app.url)).await.unwrap();
        click(&vet_browser, "[data-testid=transition][data-status=accepted]", "Accept").await;
        appears(&vet_browser, Locator::Css("[data-testid=patient-record][data-stage=intake]"), "accepting starts the record").await;
        shows(&vet_browser, "[data-testid=custody]", "Held by Avon Exotics since", "the hospital holds it").await;
        shows(&vet_browser, "[data-testid=animal]", "Juvenile hedgehog, Elm Road", "the animal's name").await;
        shows(&vet_browser, "[data-testid=weight]", "420 g", "the referral's weight is the first weighing").await;

        // A dentist reads the leg radiograph the vet attaches to a consult.
        let consult = vet
            .request_consult(
                first,
                &RequestConsultRequest {
                    specialist_user_id: dentist_id,
                    question: note("Fracture of the left tibia on this radiograph, or soft tissue only?"),
                    urgent: false,
                },
                None,
            )
            .await
            .unwrap()
            .id;
        vet_browser.refresh().await.unwrap();
        // The consults are drawn again once the page has read the case
        // thread: choose the file after that, and again if it was lost.
        appears(&vet_browser, Locator::Css("[data-testid=timeline-entry]"), "the page has read the case").await;
        for _ in 0..3 {
            choose_file(&vet_browser, &format!("#attach-{consult}"), &radiograph).await;
            for _ in 0..50 {
                if !vet.consult_attachments(consult).await.unwrap().items.is_empty() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            if !vet.consult_attachments(consult).await.unwrap().items.is_empty() {
                break;
            }
        }
        until(
            &vet_browser,
            &format!("[...document.querySelectorAll(\"[data-testid=case-files][data-parent=consult][data-parent-id='{consult}'] img[data-testid=attachment-thumbnail]\")].filter(img => img.naturalWidth > 0).length === 1"),
            "the radiograph is on the consult",
        )
        .await;
        assert_eq!(vet.consult_attachments(consult).await.unwrap().items.len(), 1);

        // The vet weighs it, gives meloxicam and moves it to treatment.
        let mut version = record_version(&vet_browser).await;
        fill(&vet_browser, "#record-weight", "455").await;
        click(&vet_browser, "[data-testid=add-weight]", "Record weight").await;
        version = record_changed(&vet_browser, version, "weighed").await;
        shows(&vet_browser, "[data-testid=care-entries]", "455 g", "the new weight is listed").await;
        shows(&vet_browser, "[data-testid=care-entries]", "+35 g", "with the gain since the last").await;
        fill(&vet_browser, "#record-drug", "Meloxicam").await;
        fill(&vet_browser, "#record-dose", "0.2 mg/kg").await;
        choose(&vet_browser, "#record-route", "subcutaneous").await;
        click(&vet_browser, "[data-testid=add-medication]", "Record medication").await;
        record_changed(&vet_browser, version, "medicated").await;
        let medication = shows(&vet_browser, "[data-testid=medication]", "Meloxicam", "the medication is listed").await;
        assert!(medication.contains("0.2 mg/kg") && medication.contains("Subcutaneous (SC)"), "{medication}");
        change_stage(&vet_browser, "treatment").await;

        // Its details, changed against the version shown: a juvenile, with a
        // fur clip to know it by.
        click(&vet_browser, "[data-testid=edit-animal]", "Edit details").await;
        choose(&vet_browser, "#record-age-class", "juvenile").await;
        click(&vet_browser, "[data-testid=add-identifier]", "Add an identifier").await;
        choose(&vet_browser, "[data-testid=identifier-line] select", "tag").await;
        fill(&vet_browser, "[data-testid=identifier-line] input", "Fur clip, left flank").await;
        let before = record_version(&vet_browser).await;
        click(&vet_browser, "[data-testid=save-animal]", "Save details").await;
        record_changed(&vet_browser, before, "details saved").await;
        let animal = shows(&vet_browser, "[data-testid=animal]", "Tag or mark: Fur clip, left flank", "the identifier is shown").await;
        assert!(animal.contains("Juvenile"), "{animal}");

        // … and refers it back to the rescue from the record: the form
        // carries the record, the species and the name.
        click(&vet_browser, "[data-testid=refer-on]", "Hand on or refer back").await;
        appears(&vet_browser, Locator::Css("[data-testid=record-carried]"), "the form says the record goes with it").await;
        assert_eq!(value_of(&vet_browser, "#species").await, "wildlife/hedgehog");
        assert_eq!(value_of(&vet_browser, "#patient-name").await, "Juvenile hedgehog, Elm Road");
        assert_eq!(value_of(&vet_browser, "#weight").await, "455");
        click(&vet_browser, "#find-sites", "search for receivers").await;
        click(
            &vet_browser,
            &format!("[data-testid=pick][data-site-id='{rescue_site}'] [data-testid=add-receiver]"),
            "the rescue is offered",
        )
        .await;
        vet_browser.find(Locator::Css("input[name=priority][value='4']")).await.unwrap().click().await.unwrap();
        fill(&vet_browser, "#reason", "Leg healing; back to the rescue for rehabilitation and release").await;
        click(&vet_browser, "[data-testid=send-referral]", "Send referral").await;
        appears(&vet_browser, Locator::Css("[data-testid=referral-title]"), "the new referral's page").await;
        let back = vet_browser.current_url().await.unwrap().path().rsplit('/').next().unwrap().parse::<uuid::Uuid>().unwrap();
        assert_ne!(back, first);
        let record = hospital.referral(first).await.unwrap().value.record_id.expect("the record");
        assert_eq!(hospital.referral(back).await.unwrap().value.record_id, Some(record), "the record travels with it");

        // The rescue accepts it back and writes the record now; the
        // hospital reads it.
        rescue_browser.goto(&format!("{}/referrals/{back}", app.url)).await.unwrap();
        click(&rescue_browser, "[data-testid=transition][data-status=accepted]", "Accept").await;
        appears(&rescue_browser, Locator::Css("[data-testid=stage-form]"), "the rescue may write now").await;
        let custody = shows(&rescue_browser, "[data-testid=custody]", "Held by Hedgerow Rescue since", "the rescue holds it").await;
        assert!(custody.contains("before: Hedgerow Rescue") && custody.contains("Avon Exotics"), "{custody}");
        appears(&rescue_browser, Locator::Css("[data-testid=stage-now] [data-stage=treatment]"), "at treatment, as the hospital left it").await;
        assert!(!hospital.patient_record(record).await.unwrap().value.writable);

        // A plan from the library, started 20 days ago: two milestones
        // are overdue already.
        appears(&rescue_browser, Locator::Css("#plan-milestone-article option:checked:not([value=''])"), "the milestone article is offered").await;
        appears(&rescue_browser, Locator::Css("#plan-criteria-article option:checked:not([value=''])"), "the criteria article is offered").await;
        pick_date(&rescue_browser, "#plan-start", today - chrono::Duration::days(20)).await;
        click(&rescue_browser, "[data-testid=make-plan]", "Make the plan").await;
        shows(&rescue_browser, "[data-testid=plan-title]", "Hedgehog rehabilitation milestones", "the plan is made").await;
        shows(&rescue_browser, "[data-testid=plan-overdue]", "2 milestones are overdue", "overdue milestones stand out").await;
        let states: Vec<String> = {
            let mut states = Vec::new();
            for milestone in rescue_browser.find_all(Locator::Css("[data-testid=milestone]")).await.unwrap() {
                states.push(milestone.attr("data-state").await.unwrap().unwrap_or_default());
            }
            states
        };
        assert_eq!(states, ["overdue", "overdue", "pending"]);
        change_stage(&rescue_browser, "rehabilitation").await;
        record_screenshots(&rescue_browser, "patient-record-plan", app.backend).await;
        accessible(&rescue_browser, "[data-testid=patient-record]", "the record with its forms and plan").await;

        // Every milestone met (two late); two criteria of three.
        meet(&rescue_browser, "milestone", 1, "Eats cat biscuits unaided").await;
        meet(&rescue_browser, "milestone", 2, "Up 15 g a night").await;
        meet(&rescue_browser, "milestone", 3, "612 g, climbing well").await;
        until(&rescue_browser, "!document.querySelector('[data-testid=plan-overdue]')", "nothing is overdue").await;
        let states = rescue_browser.find(Locator::Css("[data-testid=milestone]:nth-child(1) [data-testid=milestone-state]")).await.unwrap().attr("data-state").await.unwrap();
        assert_eq!(states.as_deref(), Some("met_late"));
        meet(&rescue_browser, "criterion", 1, "612 g").await;
        meet(&rescue_browser, "criterion", 2, "Foraging at 2 am on camera").await;

        // The release is refused while a criterion is unmet; the rescue's
        // admin is no clinician, so is told who may override.
        choose(&rescue_browser, "#record-stage", "released").await;
        click(&rescue_browser, "[data-testid=change-stage]", "Change stage").await;
        let refusal = shows(&rescue_browser, "[data-testid=criteria-unmet]", "Release site checked", "the release is refused, naming the criterion").await;
        assert!(!refusal.contains("Weight at least 600 g"), "met criteria are not listed: {refusal}");
        assert!(refusal.contains("a clinician of Hedgerow Rescue may release anyway"), "{refusal}");
        assert!(rescue_browser.find(Locator::Css("#record-override")).await.is_err(), "no override for an admin");
        assert_eq!(rescue.patient_record(record).await.unwrap().value.stage, CareStage::Rehabilitation);

        // The last criterion met, the hedgehog goes home, and the finder is told.
        meet(&rescue_browser, "criterion", 3, "Garden with a hedgehog highway, no pond").await;
        until(&rescue_browser, "!document.querySelector('[data-testid=criterion][data-met=false]')", "every criterion is met").await;
        let heading = rescue_browser.find(Locator::Css("[data-testid=criteria-heading]")).await.unwrap().text().await.unwrap();
        assert!(heading.to_lowercase().contains("all met"), "{heading}");
        choose(&rescue_browser, "#record-stage", "released").await;
        pick_date(&rescue_browser, "#record-release-follow-up", today).await;
        rescue_browser.find(Locator::Css("#record-share-stage")).await.unwrap().click().await.unwrap();
        let before = record_version(&rescue_browser).await;
        click(&rescue_browser, "[data-testid=change-stage]", "Release").await;
        record_changed(&rescue_browser, before, "released").await;
        appears(&rescue_browser, Locator::Css("[data-testid=stage-now] [data-stage=released]"), "released").await;
        shows(&rescue_browser, "[data-testid=patient-record] [data-testid=notice]", "The owner or finder is told", "the update is shared").await;
        shows(&rescue_browser, "[data-testid=follow-up-due]", "now", "the first follow-up is due today").await;
        assert!(rescue_browser.find(Locator::Css("[data-testid=stage-form]")).await.is_err(), "care has ended");

        // A sighting a fortnight on, with the next follow-up.
        choose(&rescue_browser, "#record-monitoring-kind", "sighting").await;
        fill(&rescue_browser, "#record-monitoring-place", "Garden behind 12 Elm Road").await;
        fill(&rescue_browser, "#record-monitoring-note", "Seen on the trail camera at 1 am, foraging").await;
        pick_date(&rescue_browser, "#record-next-follow-up", today + chrono::Duration::days(14)).await;
        let before = record_version(&rescue_browser).await;
        click(&rescue_browser, "[data-testid=log-monitoring]", "Log report").await;
        record_changed(&rescue_browser, before, "sighting logged").await;
        let sighting = shows(&rescue_browser, "[data-testid=monitoring][data-report=sighting]", "Garden behind 12 Elm Road", "the sighting is listed").await;
        assert!(sighting.contains("Sighting"), "{sighting}");
        let due = rescue_browser.find(Locator::Css("[data-testid=follow-up-due]")).await.unwrap().text().await.unwrap();
        assert!(!due.contains("now"), "the next follow-up is a fortnight away: {due}");
        let released = rescue.patient_record(record).await.unwrap().value;
        assert_eq!(released.stage, CareStage::Released);
        assert_eq!(released.follow_up_due, Some(today + chrono::Duration::days(14)));
        record_screenshots(&rescue_browser, "patient-record-released", app.backend).await;
        accessible(&rescue_browser, "[data-testid=patient-record]", "the released record").await;

        // The hospital still reads it, and writes nothing.
        vet_browser.goto(&format!("{}/referrals/{first}", app.url)).await.unwrap();
        appears(&vet_browser, Locator::Css("[data-testid=patient-record][data-stage=released]"), "the hospital reads the release").await;
        shows(&vet_browser, "[data-testid=record-read-only]", "Read only", "read only for the hospital").await;
        assert!(vet_browser.find(Locator::Css("[data-testid=weight-form]")).await.is_err());

        // The finder's status page shows the update.
        vet_browser.goto(&status_url).await.unwrap();
        appears(&vet_browser, Locator::Css("#case:not([hidden]) #headline"), "the case").await;
        shows(&vet_browser, "#updates", "Has been released back to the wild.", "the finder is told").await;

        // The rescue's admin reads the days in care and the release rate.
        rescue_browser.goto(&format!("{}/dashboard", app.url)).await.unwrap();
        let rate = shows(&rescue_browser, "[data-testid=figure-release-rate]", "100 %", "the release rate").await;
        assert!(rate.contains("1 released of 1"), "{rate}");
        shows(&rescue_browser, "[data-testid=figure-milestones]", "1 of 3", "one milestone met on time of three").await;
        let days = appears(&rescue_browser, Locator::Css("[data-testid=svg-days_in_care]"), "days in care").await.attr("aria-label").await.unwrap().unwrap_or_default();
        assert!(days.contains("hedgehog · all stages") && days.contains("hedgehog · Rehabilitation"), "{days}");
        let outcomes = appears(&rescue_browser, Locator::Css("[data-testid=svg-care_outcomes]"), "how care ended").await.attr("aria-label").await.unwrap().unwrap_or_default();
        assert!(outcomes.contains("Released: animals 1"), "{outcomes}");

        // The patients page lists the released hedgehog while its follow-up is due.
        rescue_browser.goto(&format!("{}/patients", app.url)).await.unwrap();
        let row = shows(&rescue_browser, "[data-testid=patient]", "Juvenile hedgehog, Elm Road", "the patients page").await;
        assert!(row.contains("Released"), "{row}");
        crate::browser::screenshots(&rescue_browser, "patients", app.backend).await;
        accessible(&rescue_browser, "main", "the patients page").await;
        rescue_browser.close().await.unwrap();
        vet_browser.close().await.unwrap();
    }
}
