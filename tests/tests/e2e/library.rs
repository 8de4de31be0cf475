//! The knowledge library through the API on both databases: writing,
//! editing into new versions, the history, stale edits refused with 412,
//! full-text search ranked by relevance and filtered by kind, species, topic
//! and visibility, private articles that other organizations cannot find or
//! read, Markdown rendered without scripts, and bad input named field by
//! field.

use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;
use warren_client::{Client, ClientError};
use warren_domain::directory::taxonomy::TermCode;
use warren_store::schema::audit_log;
use warren_tests::*;
use warren_wire::{
    ArticleBody, ArticleKind, ArticleQuery, ArticleSummary, ArticleTitle, ChangeNote,
    CreateArticleRequest, PreviewRequest, Topic, UpdateArticleRequest, Visibility,
};

fn species(codes: &[&str]) -> Vec<TermCode> {
    codes
        .iter()
        .map(|code| TermCode::parse(*code).unwrap())
        .collect()
}

fn topics(words: &[&str]) -> Vec<Topic> {
    words
        .iter()
        .map(|word| Topic::parse(*word).unwrap())
        .collect()
}

fn article(
    kind: ArticleKind,
    visibility: Visibility,
    title: &str,
    body: &str,
    species_codes: &[&str],
    topic_words: &[&str],
) -> CreateArticleRequest {
    CreateArticleRequest {
        organization_id: None,
        kind,
        visibility,
        title: ArticleTitle::parse(title).unwrap(),
        summary: None,
        body_markdown: ArticleBody::parse(body).unwrap(),
        species: species(species_codes),
        topics: topics(topic_words),
        change_note: None,
    }
}

fn degu_template() -> CreateArticleRequest {
    CreateArticleRequest {
        summary: Some(
            ArticleSummary::parse(
                "A weekly enrichment plan for degus: digging, dust baths, chewing and foraging.",
            )
            .unwrap(),
        ),
        ..article(
            ArticleKind::EnrichmentTemplate,
            Visibility::Network,
            "Enrichment template for degus",
            "## Daily\n\n- A **dust bath** of chinchilla sand for ten minutes.\n- Scatter-feed the pellet ration in hay so they forage.\n\n## Weekly\n\n- Rotate chew toys of untreated apple wood.\n- A deep digging box of soil and hay.\n",
            &["small_mammal/degu"],
            &["enrichment", "Husbandry"],
        )
    }
}

fn status_of(error: &ClientError) -> u16 {
    error.status().unwrap_or_default()
}

fn fields_of(error: &ClientError) -> Vec<String> {
    match error {
        ClientError::Problem(problem) => problem.errors.iter().map(|e| e.field.clone()).collect(),
        other => panic!("{other:?}"),
    }
}

fn query(q: &str) -> ArticleQuery {
    ArticleQuery {
        q: Some(q.into()),
        ..ArticleQuery::default()
    }
}

/// Two vetted clinics, each with its admin signed in.
async fn two_clinics(app: &TestApp) -> (Client, Uuid, Client, Uuid, Client) {
    let coordinator = app.network_admin().await;
    let (a, a_admin) = app
        .vetted(&coordinator, "Burrow Vets", "a@burrow.test")
        .await;
    let (b, b_admin) = app
        .vetted(&coordinator, "Meadow Exotics", "b@meadow.test")
        .await;
    (coordinator, a, a_admin, b, b_admin)
}

warren_tests::on_both_databases! {
    async fn an_article_is_written_edited_into_versions_and_a_stale_edit_is_refused(app) {
        let (_coordinator, clinic, admin, _, _) = two_clinics(&app).await;
        let created = admin.create_article(&degu_template(), Some("degu-1")).await.unwrap();
        assert_eq!(created.version, 1);
        assert_eq!(created.organization_id, clinic);
        assert_eq!(created.organization_name, "Burrow Vets");
        assert_eq!(created.species, ["small_mammal/degu"]);
        assert_eq!(created.topics, ["enrichment", "husbandry"]);
        assert!(created.can_edit);
        assert!(created.body_html.contains("<strong>dust bath</strong>"), "{}", created.body_html);
        assert!(created.body_html.contains("<h2>Weekly</h2>"), "{}", created.body_html);

        // A retry with the same key creates nothing new.
        let again = admin.create_article(&degu_template(), Some("degu-1")).await.unwrap();
        assert_eq!(again.id, created.id);

        let read = admin.article(created.id).await.unwrap();
        assert_eq!(read.etag, "\"1\"");

        let edit = UpdateArticleRequest {
            kind: ArticleKind::EnrichmentTemplate,
            visibility: Visibility::Network,
            title: ArticleTitle::parse("Enrichment template for degus").unwrap(),
            summary: None,
            body_markdown: ArticleBody::parse(format!("{}\n- A running wheel of 30 cm or more, solid tread.\n", read.value.body_markdown)).unwrap(),
            species: species(&["small_mammal/degu"]),
            topics: topics(&["enrichment"]),
            change_note: Some(ChangeNote::parse("Added the running wheel").unwrap()),
        };
        let edited = admin.update_article(created.id, &edit, &read.etag).await.unwrap();
        assert_eq!(edited.value.version, 2);
        assert_eq!(edited.etag, "\"2\"");
        assert!(edited.value.body_html.contains("running wheel"));
        assert_eq!(edited.value.topics, ["enrichment"]);

        // Someone who read version 1 cannot overwrite version 2.
        let stale = admin.update_article(created.id, &edit, &read.etag).await.unwrap_err();
        assert_eq!(status_of(&stale), 412);
        let unguarded = admin
            .request(Method::PUT, &format!("/api/v1/articles/{}", created.id))
            .json(&edit)
            .send()
            .await
            .unwrap();
        assert_eq!(unguarded.status(), StatusCode::PRECONDITION_REQUIRED);

        let history = admin.article_versions(created.id).await.unwrap();
        assert_eq!(history.current, 2);
        let notes: Vec<(i64, &str)> = history.items.iter().map(|v| (v.number, v.change_note.as_str())).collect();
        assert_eq!(notes, [(2, "Added the running wheel"), (1, "First version")]);
        let first = admin.article_version(created.id, 1).await.unwrap();
        assert!(!first.current);
        assert!(!first.body_markdown.contains("running wheel"));
        assert_eq!(first.topics, ["enrichment", "husbandry"]);
        let missing = admin.article_version(created.id, 3).await.unwrap_err();
        assert_eq!(status_of(&missing), 404);

        // Every change is audited.
        let audited: Vec<String> = audit_log::table
            .filter(audit_log::target_type.eq("article"))
            .order(audit_log::id.asc())
            .select(audit_log::action)
            .load(&mut app.store.connection().unwrap())
            .unwrap();
        assert_eq!(audited, ["article.created", "article.edited"]);

        // Archived: out of search, still readable, no more edits.
        let current = admin.article(created.id).await.unwrap();
        admin.archive_article(created.id, &current.etag).await.unwrap();
        let archived = admin.article(created.id).await.unwrap();
        assert!(archived.value.archived_at.is_some());
        assert!(!archived.value.can_edit);
        assert!(admin.search_articles(&query("degu")).await.unwrap().items.is_empty());
        let refused = admin.update_article(created.id, &edit, &archived.etag).await.unwrap_err();
        assert_eq!(refused.code(), Some("article_archived"));
    }

    async fn search_ranks_the_best_match_first_and_filters_by_kind_species_and_topic(app) {
        let (_coordinator, _, a_admin, _, b_admin) = two_clinics(&app).await;
        let template = a_admin.create_article(&degu_template(), None).await.unwrap();
        let diet = a_admin
            .create_article(
                &article(
                    ArticleKind::OwnerGuidance,
                    Visibility::Network,
                    "Feeding degus without sugar",
                    "Degus are prone to diabetes. Offer hay, a little pellet and no fruit. Some enrichment with forage mixes is fine.",
                    &["small_mammal/degu"],
                    &["diet"],
                ),
                None,
            )
            .await
            .unwrap();
        let gi = b_admin
            .create_article(
                &article(
                    ArticleKind::Protocol,
                    Visibility::Network,
                    "Rabbit GI stasis protocol",
                    "Assess gut sounds, give analgesia, fluids and syringe feeding with a critical care formula.",
                    &["small_mammal/rabbit"],
                    &["gi-stasis", "emergency"],
                ),
                None,
            )
            .await
            .unwrap();
        let hedgehog = b_admin
            .create_article(
                &article(
                    ArticleKind::ReintroductionCriteria,
                    Visibility::Network,
                    "Hedgehog release criteria",
                    "Release at 600 g or more, eating independently, in a garden with access to others.",
                    &["wildlife/hedgehog"],
                    &["release"],
                ),
                None,
            )
            .await
            .unwrap();
        let all_small = b_admin
            .create_article(
                &article(
                    ArticleKind::OwnerGuidance,
                    Visibility::Network,
                    "Travelling with small mammals",
                    "A dark, quiet, ventilated carrier with familiar bedding.",
                    &["small_mammal"],
                    &["transport"],
                ),
                None,
            )
            .await
            .unwrap();

        // Stemming: "degu enrichment" finds the template first, then the diet
        // guidance that mentions both words only in passing.
        let found = b_admin.search_articles(&query("degu enrichment")).await.unwrap();
        let ids: Vec<Uuid> = found.items.iter().map(|hit| hit.id).collect();
        assert_eq!(ids, [template.id, diet.id], "{found:#?}");
        assert!(found.items[0].rank.unwrap() >= found.items[1].rank.unwrap());
        assert!(
            found.items[0].snippet.iter().any(|part| part.highlight),
            "{:?}",
            found.items[0].snippet
        );
        assert_eq!(found.items[0].organization_name, "Burrow Vets");

        // Plurals and other word forms still match, on both stemmers.
        let plural = b_admin.search_articles(&query("degus")).await.unwrap();
        assert!(plural.items.iter().any(|hit| hit.id == template.id), "{plural:#?}");
        assert!(plural.items.iter().all(|hit| hit.id != gi.id && hit.id != hedgehog.id));
        let stasis = a_admin.search_articles(&query("rabbits syringe feeding")).await.unwrap();
        assert_eq!(stasis.items.iter().map(|hit| hit.id).collect::<Vec<_>>(), [gi.id]);

        // Filters without words: newest first.
        let kind = a_admin
            .search_articles(&ArticleQuery { kind: Some(ArticleKind::OwnerGuidance), ..ArticleQuery::default() })
            .await
            .unwrap();
        assert_eq!(kind.items.iter().map(|hit| hit.id).collect::<Vec<_>>(), [all_small.id, diet.id]);

        // A species matches its own articles and those about its whole group.
        let degu = a_admin
            .search_articles(&ArticleQuery { species: Some("small_mammal/degu".into()), ..ArticleQuery::default() })
            .await
            .unwrap();
        let mut degu_ids: Vec<Uuid> = degu.items.iter().map(|hit| hit.id).collect();
        degu_ids.sort();
        let mut expected = vec![template.id, diet.id, all_small.id];
        expected.sort();
        assert_eq!(degu_ids, expected);
        // A group matches every species in it.
        let wildlife = a_admin
            .search_articles(&ArticleQuery { species: Some("wildlife".into()), ..ArticleQuery::default() })
            .await
            .unwrap();
        assert_eq!(wildlife.items.iter().map(|hit| hit.id).collect::<Vec<_>>(), [hedgehog.id]);
        // Topics are normalised in the filter as in the tags.
        let topic = a_admin
            .search_articles(&ArticleQuery { topic: Some("GI Stasis".into()), ..ArticleQuery::default() })
            .await
            .unwrap();
        assert_eq!(topic.items.iter().map(|hit| hit.id).collect::<Vec<_>>(), [gi.id]);
        // Words and filters combine.
        let combined = a_admin
            .search_articles(&ArticleQuery {
                q: Some("degu".into()),
                kind: Some(ArticleKind::EnrichmentTemplate),
                ..ArticleQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(combined.items.iter().map(|hit| hit.id).collect::<Vec<_>>(), [template.id]);
        // Excluded words and no match at all.
        // (Travelling with small mammals is about degus too: its group's
        // species are among its words.)
        let excluded = a_admin.search_articles(&query("degu -diabetes")).await.unwrap();
        let mut excluded: Vec<Uuid> = excluded.items.iter().map(|hit| hit.id).collect();
        excluded.sort();
        let mut expected = vec![template.id, all_small.id];
        expected.sort();
        assert_eq!(excluded, expected);
        assert!(a_admin.search_articles(&query("chinchilla dentistry")).await.unwrap().items.is_empty());

        // Pages follow the cursor.
        let first = a_admin
            .search_articles(&ArticleQuery { limit: Some(2), ..ArticleQuery::default() })
            .await
            .unwrap();
        assert_eq!(first.items.len(), 2);
        let cursor = first.next_cursor.clone().expect("a second page");
        let second = a_admin
            .search_articles(&ArticleQuery { limit: Some(2), cursor: Some(cursor), ..ArticleQuery::default() })
            .await
            .unwrap();
        assert_eq!(second.items.len(), 2);
        assert!(second.items.iter().all(|hit| first.items.iter().all(|seen| seen.id != hit.id)));
    }

    async fn guinea_pig_breathing_finds_the_articles_about_guinea_pigs_and_breathing(app) {
        let (coordinator, _, a_admin, _, b_admin) = two_clinics(&app).await;
        let create = |request: CreateArticleRequest| {
            let a_admin = a_admin.clone();
            async move { a_admin.create_article(&request, None).await.unwrap().id }
        };
        // The words far apart, in another order and other forms.
        let in_words = create(article(
            ArticleKind::Protocol,
            Visibility::Network,
            "Oxygen therapy for the dyspnoeic patient",
            "Laboured breath sounds call for an oxygen cage at once. Guinea pigs hide it until late.",
            &[],
            &["emergency"],
        ))
        .await;
        // The species only as a tag, the breathing as "breathe".
        let tagged = create(article(
            ArticleKind::OwnerGuidance,
            Visibility::Network,
            "When to call the clinic",
            "If your pet breathes with its mouth open, call at once.",
            &["small_mammal/guinea_pig"],
            &[],
        ))
        .await;
        // About the whole group of small mammals, which guinea pigs are in.
        let group = create(article(
            ArticleKind::Protocol,
            Visibility::Network,
            "Respiratory emergencies in small mammals",
            "Noisy breathing, flared nostrils and open-mouth breathing are emergencies.",
            &["small_mammal"],
            &["respiratory"],
        ))
        .await;
        // Breathing, but rats: not found.
        create(article(
            ArticleKind::Protocol,
            Visibility::Network,
            "Rat mycoplasma",
            "Snuffling and laboured breathing in rats.",
            &["small_mammal/rat"],
            &[],
        ))
        .await;
        // Guinea pigs, but not breathing: not found.
        create(article(
            ArticleKind::OwnerGuidance,
            Visibility::Network,
            "Guinea pig diet",
            "Hay, fresh greens and vitamin C every day.",
            &["small_mammal/guinea_pig"],
            &["diet"],
        ))
        .await;

        for words in ["guinea pig breathing", "breathing guinea pigs", "Guinea-pig breathe"] {
            let found = b_admin.search_articles(&query(words)).await.unwrap();
            let mut ids: Vec<Uuid> = found.items.iter().map(|hit| hit.id).collect();
            ids.sort();
            let mut expected = vec![in_words, tagged, group];
            expected.sort();
            assert_eq!(ids, expected, "{words}: {:#?}", found.items.iter().map(|hit| &hit.title).collect::<Vec<_>>());
        }

        // A species the network adds later is found in its group's articles.
        assert!(b_admin.search_articles(&query("jerboa breathing")).await.unwrap().items.is_empty());
        coordinator
            .create_term(&warren_wire::CreateTermRequest {
                taxonomy: warren_domain::directory::taxonomy::Taxonomy::Species,
                code: TermCode::parse("small_mammal/jerboa").unwrap(),
                label: warren_domain::OrgName::parse("Jerboa").unwrap(),
            })
            .await
            .expect("add a species");
        let jerboas = b_admin.search_articles(&query("jerboas breathing")).await.unwrap();
        assert_eq!(jerboas.items.iter().map(|hit| hit.id).collect::<Vec<_>>(), [group]);
    }

    async fn a_private_case_write_up_is_found_and_read_only_by_its_organization(app) {
        let (coordinator, clinic_a, a_admin, _, b_admin) = two_clinics(&app).await;
        let private = a_admin
            .create_article(
                &article(
                    ArticleKind::CaseWriteUp,
                    Visibility::Organization,
                    "Case: degu with dental abscess",
                    "Pip, a four-year-old degu, presented with a mandibular abscess and was referred for extraction.",
                    &["small_mammal/degu"],
                    &["dentistry"],
                ),
                None,
            )
            .await
            .unwrap();
        assert_eq!(private.visibility, Visibility::Organization);

        // The owner finds it; another clinic and the coordinator do not.
        assert_eq!(a_admin.search_articles(&query("abscess")).await.unwrap().items.len(), 1);
        assert!(b_admin.search_articles(&query("abscess")).await.unwrap().items.is_empty());
        assert!(coordinator.search_articles(&query("abscess")).await.unwrap().items.is_empty());
        let private_only = b_admin
            .search_articles(&ArticleQuery { visibility: Some(Visibility::Organization), ..ArticleQuery::default() })
            .await
            .unwrap();
        assert!(private_only.items.is_empty());

        // Reading it, its history or a version answers 404 to outsiders.
        for outsider in [&b_admin, &coordinator] {
            assert_eq!(status_of(&outsider.article(private.id).await.unwrap_err()), 404);
            assert_eq!(status_of(&outsider.article_versions(private.id).await.unwrap_err()), 404);
            assert_eq!(status_of(&outsider.article_version(private.id, 1).await.unwrap_err()), 404);
            assert_eq!(status_of(&outsider.archive_article(private.id, "\"1\"").await.unwrap_err()), 404);
        }

        // A volunteer of the owner reads it but may not edit it.
        let volunteer = app.member(&a_admin, clinic_a, "driver@burrow.test", Role::Volunteer).await;
        let read = volunteer.article(private.id).await.unwrap();
        assert!(!read.value.can_edit);
        let edit = UpdateArticleRequest {
            kind: ArticleKind::CaseWriteUp,
            visibility: Visibility::Network,
            title: ArticleTitle::parse("Case: degu with dental abscess").unwrap(),
            summary: None,
            body_markdown: ArticleBody::parse("Published.").unwrap(),
            species: vec![],
            topics: vec![],
            change_note: None,
        };
        assert_eq!(status_of(&volunteer.update_article(private.id, &edit, &read.etag).await.unwrap_err()), 403);
        let refused = volunteer
            .create_article(&article(ArticleKind::Protocol, Visibility::Network, "Volunteer protocol", "No.", &[], &[]), None)
            .await
            .unwrap_err();
        assert_eq!(status_of(&refused), 403);

        // Published by its owner, everyone in the network finds it.
        let published = a_admin.update_article(private.id, &edit, &read.etag).await.unwrap();
        assert_eq!(published.value.visibility, Visibility::Network);
        let seen = b_admin.article(private.id).await.unwrap();
        assert!(!seen.value.can_edit);
        assert_eq!(status_of(&b_admin.update_article(private.id, &edit, &seen.etag).await.unwrap_err()), 403);
        // Network admins curate network-wide articles.
        assert!(coordinator.article(private.id).await.unwrap().value.can_edit);
    }

    async fn markdown_is_rendered_without_scripts_handlers_or_javascript_links(app) {
        let (_coordinator, _, admin, _, _) = two_clinics(&app).await;
        let body = "# Heat stress\n\n<script>alert('x')</script>\n\n\
                    <img src=\"x\" onerror=\"alert(1)\">\n\n\
                    <p onclick=\"alert(2)\">Move the cage out of the sun.</p>\n\n\
                    [Call us](javascript:alert(3)) or [read more](https://warren.example/heat).\n";
        let created = admin
            .create_article(
                &article(ArticleKind::OwnerGuidance, Visibility::Network, "Hamster heat stress", body, &["small_mammal/hamster"], &["heat stress"]),
                None,
            )
            .await
            .unwrap();
        let html = &created.body_html;
        for bad in ["<script", "alert(", "onerror", "onclick", "javascript:"] {
            assert!(!html.contains(bad), "{bad} survived: {html}");
        }
        assert!(html.contains("<h1>Heat stress</h1>"), "{html}");
        assert!(html.contains("Move the cage out of the sun."), "{html}");
        assert!(html.contains("href=\"https://warren.example/heat\""), "{html}");
        // The Markdown is kept as written.
        assert!(created.body_markdown.contains("<script>"));
        assert_eq!(created.topics, ["heat-stress"]);

        let preview = admin
            .preview_article(&PreviewRequest { body_markdown: ArticleBody::parse("**bold** <a href=\"javascript:x\" onmouseover=\"y\">z</a>").unwrap() })
            .await
            .unwrap();
        assert!(preview.body_html.contains("<strong>bold</strong>"));
        assert!(!preview.body_html.contains("javascript:") && !preview.body_html.contains("onmouseover"));
    }

    async fn bad_input_is_refused_naming_the_fields(app) {
        let (_coordinator, _, admin, b, _) = two_clinics(&app).await;
        let post = |body: serde_json::Value| {
            let admin = admin.clone();
            async move {
                admin.request(Method::POST, "/api/v1/articles").json(&body).send().await.unwrap()
            }
        };
        let valid = json!({
            "kind": "protocol",
            "visibility": "network",
            "title": "Rabbit GI stasis protocol",
            "body_markdown": "Fluids, analgesia, feeding.",
        });
        for (field, value) in [
            ("kind", json!("poem")),
            ("visibility", json!("everyone")),
            ("title", json!("no")),
            ("title", json!("a\nb")),
            ("body_markdown", json!("   ")),
            ("body_markdown", json!("x".repeat(40_001))),
            ("summary", json!("x".repeat(401))),
            ("species", json!(["Degu!"])),
            ("topics", json!(["<b>"])),
        ] {
            let mut body = valid.clone();
            body[field] = value;
            let answer = post(body).await;
            assert!(answer.status().is_client_error(), "{field}: {}", answer.status());
            if answer.status() == StatusCode::UNPROCESSABLE_ENTITY {
                let problem: warren_wire::Problem = answer.json().await.unwrap();
                assert!(problem.errors.iter().any(|e| e.field.starts_with(field)), "{field}: {problem:?}");
            }
        }
        let mut unknown = valid.clone();
        unknown["species"] = json!(["reptile/gecko"]);
        let answer = post(unknown).await;
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem: warren_wire::Problem = answer.json().await.unwrap();
        assert_eq!(problem.errors[0].field, "species");

        // Writing for an organization one does not belong to.
        let mut elsewhere = valid.clone();
        elsewhere["organization_id"] = json!(b);
        let error = admin
            .create_article(&serde_json::from_value(elsewhere).unwrap(), None)
            .await
            .unwrap_err();
        assert_eq!(fields_of(&error), ["organization_id"]);

        // Filters and cursors.
        for path in [
            "/api/v1/articles?species=Not%20A%20Code",
            "/api/v1/articles?topic=%3Cb%3E",
            "/api/v1/articles?kind=poem",
            "/api/v1/articles?cursor=later",
            "/api/v1/articles?limit=0",
        ] {
            let answer = admin.request(Method::GET, path).send().await.unwrap();
            assert_eq!(answer.status(), StatusCode::BAD_REQUEST, "{path}");
        }
        // Odd search text is words, never syntax.
        for q in ["\"", "NEAR(a b)", "*", "-", "title:degu", "a OR", "'; DROP TABLE articles; --"] {
            let page = admin.search_articles(&query(q)).await.unwrap();
            assert!(page.items.is_empty(), "{q}");
        }
        // Anonymous callers are refused; unknown ids are 404.
        assert_eq!(status_of(&app.client.search_articles(&ArticleQuery::default()).await.unwrap_err()), 401);
        assert_eq!(status_of(&admin.article(Uuid::new_v4()).await.unwrap_err()), 404);
    }
}
