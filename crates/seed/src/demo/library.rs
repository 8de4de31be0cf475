//! The demo network's knowledge library: a dozen articles its members wrote
//! — protocols, an enrichment template, rehabilitation milestones,
//! reintroduction criteria, owner guidance and one organization-private
//! case write-up — some with a second version, so search, the history and
//! the private rule have something to show from the start.

use chrono::{Duration, Utc};
use warren_domain::directory::taxonomy::{TermCode, Vocabulary};
use warren_domain::library::markdown::to_plain_text;
use warren_domain::library::{Tags, Topic, tag_text};
use warren_store::library::{self as store, ArticleRow, Edit};
use warren_store::{DbConnection, StoreError, new_id, organizations, sites};

use super::data;

/// One demo article.
struct DemoArticle {
    organization: &'static str,
    kind: &'static str,
    visibility: &'static str,
    title: &'static str,
    summary: &'static str,
    species: &'static [&'static str],
    topics: &'static [&'static str],
    body: &'static str,
    /// Days since it was written.
    age_days: i64,
    /// A second version: its change note and the text appended to the body.
    revision: Option<(&'static str, &'static str)>,
}

const ARTICLES: &[DemoArticle] = &[
    DemoArticle {
        organization: "Dustbath Chinchilla & Degu Rescue",
        kind: "enrichment_template",
        visibility: "network",
        title: "Enrichment template for degus",
        summary: "A weekly enrichment plan for pairs and groups of degus: digging, dust baths, gnawing, foraging and climbing, with what to avoid.",
        species: &["small_mammal/degu"],
        topics: &["enrichment", "husbandry", "diet"],
        body: "Degus are social, diurnal burrowers. An under-stimulated degu bar-chews, tail-chases or over-grooms; most of that is prevented by a plan that changes through the week.\n\n\
## Every day\n\n\
- **Dust bath** of chinchilla sand (not dust) for 10–15 minutes, then removed so it stays clean.\n\
- **Scatter-feed** the pellet ration into hay so they forage instead of eating from a bowl.\n\
- Unlimited good-quality hay; fresh water from a bottle *and* a heavy bowl.\n\n\
## Through the week\n\n\
| Day | Activity | Notes |\n\
|---|---|---|\n\
| Mon | Digging box | 20 cm of soil-and-hay mix, small seeds hidden in it |\n\
| Wed | New chew items | Untreated apple, hazel or willow; no cherry or plum |\n\
| Fri | Cardboard maze | Plain card, no glue or ink; rebuild weekly |\n\
| Sun | Rearranged platforms | Keep the layout stable for anxious animals |\n\n\
## Housing\n\n\
- A solid-floored wheel of **at least 30 cm**; never wire or spoked wheels (tail and foot injuries).\n\
- Several levels and hides; one hide per degu plus one.\n\
- Metal or glass enclosures: degus gnaw through plastic within days.\n\n\
## Avoid\n\n\
- Sugary treats, fruit, carrots and honey sticks: degus are prone to diabetes and cataracts.\n\
- Single housing unless a vet advises it; bonded pairs or small same-sex groups are best.\n\n\
> Record what each group uses most; a rescue group and a pet pair rarely want the same things.\n",
        age_days: 41,
        revision: Some((
            "Added seasonal notes for hot weather",
            "\n## In hot weather\n\nDegus overheat above 25 °C. Move the enclosure away from windows, offer a chilled granite tile, and skip the dust bath on the hottest afternoons.\n",
        )),
    },
    DemoArticle {
        organization: "Harbourside Exotic Vets",
        kind: "protocol",
        visibility: "network",
        title: "Rabbit GI stasis: first 24 hours",
        summary: "Triage, analgesia, fluids, syringe feeding and when to refer for imaging or surgery in a rabbit with gut stasis.",
        species: &["small_mammal/rabbit"],
        topics: &["gi-stasis", "emergency", "analgesia", "fluid therapy"],
        body: "A rabbit that has not eaten or passed droppings for **more than 12 hours** is triaged at least *urgent* (tier 3). A bloated, painful or collapsed rabbit is tier 2 or 1: think obstruction, not stasis, until imaging says otherwise.\n\n\
## On arrival\n\n\
1. Weigh, temperature (below 37 °C is a poor sign — warm actively), heart and respiratory rate.\n\
2. Palpate gently: a firm, doughy stomach suggests stasis; a tight, gas-distended one suggests obstruction.\n\
3. Blood glucose: **above 20 mmol/L** makes obstruction likely — radiograph before any prokinetic.\n\n\
## Treatment (stasis, no obstruction)\n\n\
- Analgesia first: buprenorphine or methadone, then meloxicam once hydrated.\n\
- Fluids: 100 ml/kg/day, subcutaneous for mild cases, intravenous or intraosseous when collapsed.\n\
- Syringe feeding of a critical-care herbivore formula, 50 ml/kg/day split into 4–6 feeds, **only** when not bloated and able to swallow.\n\
- Prokinetics (metoclopramide, ranitidine) only once obstruction is excluded.\n\n\
## Refer when\n\n\
- Glucose stays high or the stomach stays distended after 2 hours.\n\
- No faecal output after 24 hours of treatment.\n\
- You have no radiography or cannot hospitalise overnight: use *Triage → destinations* for sites with radiography and intensive care.\n",
        age_days: 65,
        revision: Some((
            "Glucose threshold per the 2026 review",
            "\n*Revised:* the glucose threshold follows the network's 2026 case review; see the case write-ups tagged gi-stasis.\n",
        )),
    },
    DemoArticle {
        organization: "Brambleside Hedgehog Hospital",
        kind: "reintroduction_criteria",
        visibility: "network",
        title: "Hedgehog reintroduction criteria",
        summary: "When a rehabilitated hedgehog is ready to go back, where it may go, and how to release it safely.",
        species: &["wildlife/hedgehog"],
        topics: &["release", "rehabilitation", "overwintering"],
        body: "A hedgehog is released only when **every** criterion below holds, and the release is recorded with the weight, site and date.\n\n\
## The animal\n\n\
- Weight **at least 600 g** (juveniles overwintered: 650 g before a spring release).\n\
- Eating independently and gaining or holding weight for 7 days.\n\
- Two clear faecal screens a week apart after any parasite treatment.\n\
- Wounds healed; full use of all four legs; both eyes sighted.\n\
- Night-time activity seen on camera in the outdoor pen.\n\n\
## The season and the weather\n\n\
- Night temperatures forecast **above 5 °C** for the following week.\n\
- No release in heavy rain or in November–February except from the overwintering unit with a supported site.\n\n\
## The site\n\n\
- As close as possible to where it was found (within 1 km), unless that place was the danger.\n\
- Gardens linked by hedgehog highways (13 × 13 cm gaps), away from main roads and badger setts.\n\
- A **soft release**: a hutch with food and water, left open, topped up for 2 weeks.\n\n\
## Not releasable\n\n\
Amputees, blind animals and those that will not feed themselves are placed in enclosed, supervised gardens — never released.\n",
        age_days: 120,
        revision: None,
    },
    DemoArticle {
        organization: "Little Burrows Hamster Rescue",
        kind: "owner_guidance",
        visibility: "network",
        title: "Heat stress in hamsters: advice for owners",
        summary: "How to keep a hamster cool in a heatwave, the signs of heat stroke, and what to do on the way to the vet.",
        species: &["small_mammal/hamster"],
        topics: &["heat stress", "first aid", "owners"],
        body: "Hamsters cannot sweat or pant well. Above **26 °C** they struggle; above **30 °C** heat stroke can kill within hours.\n\n\
## Keeping cool\n\n\
- Move the cage out of direct sun and away from windows and radiators.\n\
- Offer a ceramic or granite tile chilled in the fridge, and a frozen water bottle wrapped in a sock outside the nest.\n\
- Never put the hamster in water or use a fan blowing straight at it.\n\n\
## Signs of heat stroke\n\n\
- Lying stretched out and flat, breathing fast or with an open mouth.\n\
- Wobbling, weakness, drooling or fitting.\n\n\
## What to do\n\n\
1. **Call your vet or the network's advice line now** — this is an emergency.\n\
2. Move the hamster somewhere cool and shaded; dampen its ears and feet with *cool*, not cold, water.\n\
3. Travel in a ventilated carrier with a cool (not frozen) tile, out of the sun, with the car's air conditioning on.\n\n\
Do not force water into its mouth.\n",
        age_days: 20,
        revision: None,
    },
    DemoArticle {
        organization: "Harbourside Exotic Vets",
        kind: "case_write_up",
        visibility: "organization",
        title: "Case: chinchilla with heat stroke after a transport delay",
        summary: "Internal case review: a chinchilla collapsed after two hours in a hot car; what went well and what we change.",
        species: &["small_mammal/chinchilla"],
        topics: &["heat stress", "transport", "case review"],
        body: "**Internal — Harbourside staff only.** Names and times are from our records.\n\n\
## What happened\n\n\
Smokey, a 6-year-old male chinchilla, arrived at 16:40 after a referral transport was delayed by roadworks. Rectal temperature 41.2 °C, lateral recumbency, tachypnoea.\n\n\
## What we did\n\n\
- Active cooling with damp towels and a fan across (not onto) the animal; stopped at 39 °C.\n\
- Intravenous fluids at shock rate for 15 minutes, then maintenance; oxygen by mask.\n\
- Recovered to sternal within 90 minutes; discharged after 48 hours.\n\n\
## What we change\n\n\
- Transport legs in summer: the driver is told the species' safe temperature and given a cooling kit.\n\
- Reception asks the referring site for the departure time so delays are noticed.\n",
        age_days: 12,
        revision: None,
    },
    DemoArticle {
        organization: "Brambleside Hedgehog Hospital",
        kind: "rehabilitation_milestone",
        visibility: "network",
        title: "Autumn juvenile hedgehogs: rehabilitation milestones",
        summary: "The stages an underweight autumn juvenile passes through from admission to spring release, and how to tell each is reached.",
        species: &["wildlife/hedgehog"],
        topics: &["rehabilitation", "overwintering", "weight"],
        body: "Juveniles found after October under 450 g cannot fatten enough to hibernate safely. They overwinter with us in stages; each is due by the day of care it names, and a plan made from this article ticks them off.\n\n\
1. **Stabilised** — warm, hydrated, eating cat food unaided; parasite screen done, by day 5.\n\
2. **Growing** — gaining 5–10 g a day on a weighed diet, weighed every morning before feeding; steady gain by day 14.\n\
3. **Ready to hibernate or stay awake** — over 600 g by day 60. In the unheated unit it may hibernate; weigh weekly, never wake it.\n\
4. **Spring conditioning** — awake, in an outdoor pen for 2 weeks, foraging for live food, by day 150.\n\
5. **Releasable** — every one of the *Hedgehog reintroduction criteria* met, by day 165.\n\n\
A juvenile that loses more than 10 % in a week at any stage goes back to stage 1.\n",
        age_days: 95,
        revision: None,
    },
    DemoArticle {
        organization: "Sandbay Rat Rescue",
        kind: "protocol",
        visibility: "network",
        title: "Rats with respiratory disease: triage and oxygen",
        summary: "How to recognise a rat in respiratory distress, give oxygen safely on arrival and choose antibiotics for mycoplasma flare-ups.",
        species: &["small_mammal/rat"],
        topics: &["respiratory", "oxygen", "emergency"],
        body: "Rats hide respiratory disease until it is advanced. **Open-mouth breathing, a blue tinge or gasping is tier 1.**\n\n\
## On arrival\n\n\
- Straight into an oxygen cage at 40–60 % before handling; handle as little as possible.\n\
- Nebulise saline (and, if prescribed, a bronchodilator) in the cage.\n\n\
## Treatment\n\n\
- Doxycycline with enrofloxacin for mycoplasma flare-ups; 3 weeks minimum.\n\
- Meloxicam for inflammation once hydrated.\n\
- Warm, quiet, dim room; food they like within reach.\n\n\
## Refer when\n\n\
No improvement in 24 hours, or the rat needs oxygen for longer than you can supervise.\n",
        age_days: 80,
        revision: None,
    },
    DemoArticle {
        organization: "Wheekers' Wharf Guinea Pig Rescue",
        kind: "owner_guidance",
        visibility: "network",
        title: "Vitamin C for guinea pigs: what owners need to know",
        summary: "Guinea pigs cannot make vitamin C; how much they need, the best sources and the early signs of scurvy.",
        species: &["small_mammal/guinea_pig"],
        topics: &["diet", "owners", "vitamin c"],
        body: "Guinea pigs need **10–30 mg of vitamin C per kg every day** — more when pregnant, young or ill.\n\n\
- Fresh peppers, kale and parsley every day are the best source.\n\
- Pellets made for guinea pigs help, but the vitamin fades after opening: use within 90 days.\n\
- Do not add vitamin drops to water: they degrade and put guinea pigs off drinking.\n\n\
## Early signs of scurvy\n\n\
Reluctance to move, swollen joints, rough coat, bleeding gums, weight loss. **See a vet within a day.**\n",
        age_days: 150,
        revision: None,
    },
    DemoArticle {
        organization: "Ebbor Raptor Rehabilitation Centre",
        kind: "rehabilitation_milestone",
        visibility: "network",
        title: "Raptor flight conditioning milestones",
        summary: "From cage rest to release: the flight tests a buzzard, kestrel or owl passes before it goes back.",
        species: &["wildlife/raptor"],
        topics: &["rehabilitation", "flight", "release"],
        body: "Each stage needs a vet's sign-off in the bird's record.\n\n\
1. **Cage rest** — fracture or soft-tissue healing confirmed on radiographs by day 21.\n\
2. **Short flights** — free flight in the 10 m aviary without falling or crash-landing, by day 28.\n\
3. **Stamina** — 10 consecutive lengths of the 30 m flight without open-mouth breathing, by day 35.\n\
4. **Hunting** — kills live prey in the aviary on three days running, by day 42.\n\
5. **Waterproof** — plumage sheds water after a mist spray, by day 45.\n\n\
Birds are released at dusk (owls) or mid-morning (diurnal raptors) near the find site.\n",
        age_days: 200,
        revision: None,
    },
    DemoArticle {
        organization: "Mendip Exotic Dental Referrals",
        kind: "protocol",
        visibility: "network",
        title: "Chinchilla and degu dental disease: when to refer",
        summary: "Drooling, dropping food and weight loss in chinchillas and degus: what to check before referring for dental imaging.",
        species: &["small_mammal/chinchilla", "small_mammal/degu"],
        topics: &["dentistry", "imaging", "referral"],
        body: "Cheek-tooth disease is common in chinchillas and degus and is usually much worse than the mouth looks.\n\n\
- Weigh weekly: a 10 % loss is the earliest reliable sign.\n\
- Check the incisors for colour (chinchillas: orange) and length, and feel the jaw for bumps.\n\
- An otoscope view of the cheek teeth under sedation misses root problems: **CT is the standard**.\n\n\
Refer with the weight history and any radiographs. Syringe-feed a critical-care formula until the appointment.\n",
        age_days: 55,
        revision: None,
    },
    DemoArticle {
        organization: "Stoke Park Wildlife Hospital",
        kind: "reintroduction_criteria",
        visibility: "network",
        title: "Bat release criteria",
        summary: "Flight, weight, weather and site conditions before a rehabilitated bat goes back.",
        species: &["wildlife/bat"],
        topics: &["release", "bats"],
        body: "Bats are a protected species: releases follow the licence conditions and are recorded.\n\n\
- Sustained flight in the flight room for 5 minutes, with turns, on two nights.\n\
- Weight within the species' normal range; feeding on live insects unaided.\n\
- Release at dusk at the find site, at 10 °C or warmer, with no rain or strong wind.\n\
- Never release in winter unless the bat was found in hibernation and returns to the roost.\n",
        age_days: 33,
        revision: None,
    },
    DemoArticle {
        organization: "Severn Vale Care Network Office",
        kind: "owner_guidance",
        visibility: "network",
        title: "Travelling to the vet with a small mammal",
        summary: "How to carry a small pet or a wild casualty safely: warm, dark, quiet and ventilated.",
        species: &["small_mammal", "wildlife"],
        topics: &["transport", "owners", "first aid"],
        body: "The network's transport advice for owners and finders, as the triage results give it.\n\n\
- A **secure, ventilated carrier** with a towel over it: dark and quiet calms prey animals.\n\
- Keep it warm (a wrapped hot-water bottle at one end) but never hot; no direct sun.\n\
- Wild animals: **no food or water** on the way; do not handle them more than needed.\n\
- Pets that eat hay: bring some, and some of their droppings if they have stopped producing them.\n\
- Take a photo of anything they ate or were exposed to.\n",
        age_days: 10,
        revision: None,
    },
];

fn parse_codes(codes: &[&str]) -> Result<Vec<TermCode>, StoreError> {
    codes
        .iter()
        .map(|code| {
            TermCode::parse(*code).map_err(|_| StoreError::Corrupt(format!("demo species {code}")))
        })
        .collect()
}

fn parse_topics(topics: &[&str]) -> Result<Vec<Topic>, StoreError> {
    topics
        .iter()
        .map(|topic| {
            Topic::parse(*topic).map_err(|_| StoreError::Corrupt(format!("demo topic {topic}")))
        })
        .collect()
}

fn json(values: Vec<&str>) -> Result<String, StoreError> {
    serde_json::to_string(&values).map_err(|error| StoreError::Corrupt(error.to_string()))
}

/// Writes the demo library; answers how many articles it wrote.
pub fn load(connection: &mut DbConnection) -> Result<usize, StoreError> {
    let vocabulary = Vocabulary::new(sites::terms(connection)?);
    let mut count = 0;
    for demo in ARTICLES {
        let Some(organization) = organizations::find_by_name(connection, demo.organization)? else {
            continue;
        };
        let author = data::ORGANIZATIONS
            .iter()
            .find(|candidate| candidate.name == demo.organization)
            .and_then(|candidate| candidate.staff.first())
            .map_or(demo.organization, |person| person.name);
        let tags = Tags::check(
            parse_codes(demo.species)?,
            parse_topics(demo.topics)?,
            &vocabulary,
        )
        .map_err(|error| StoreError::Corrupt(format!("demo tags: {error}")))?;
        let species = json(tags.species.iter().map(TermCode::as_str).collect())?;
        let topics = json(tags.topics.iter().map(Topic::as_str).collect())?;
        let written = (Utc::now() - Duration::days(demo.age_days)).naive_utc();
        let row = ArticleRow {
            id: new_id(),
            organization_id: organization.id.to_string(),
            visibility: demo.visibility.to_owned(),
            kind: demo.kind.to_owned(),
            title: demo.title.to_owned(),
            summary: Some(demo.summary.to_owned()),
            species: species.clone(),
            topics: topics.clone(),
            body_markdown: demo.body.to_owned(),
            tag_text: tag_text(&vocabulary, &tags),
            search_text: to_plain_text(demo.body),
            created_by: author.to_owned(),
            created_by_user_id: None,
            updated_by: author.to_owned(),
            created_at: written,
            updated_at: written,
            archived_at: None,
            archived_by: None,
            version: 1,
        };
        store::create(connection, &row, "First version")?;
        if let Some((note, addition)) = demo.revision {
            let body = format!("{}{addition}", demo.body);
            store::edit(
                connection,
                &row,
                1,
                &Edit {
                    visibility: demo.visibility,
                    kind: demo.kind,
                    title: demo.title,
                    summary: Some(demo.summary),
                    species,
                    topics,
                    body_markdown: &body,
                    tag_text: tag_text(&vocabulary, &tags),
                    search_text: to_plain_text(&body),
                    change_note: note,
                    author,
                    author_user_id: None,
                },
            )?;
        }
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use warren_store::library::{Search, search};
    use warren_store::{Store, StoreOptions};

    use super::*;

    #[test]
    fn the_demo_library_finds_the_degu_template_and_keeps_the_case_private() {
        let folder = std::env::temp_dir().join(format!("warren-library-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&folder).expect("a temporary folder");
        let store = Store::open(&StoreOptions {
            url: folder.join("demo.db").to_string_lossy().into_owned(),
            pool_size: 2,
            pool_timeout: std::time::Duration::from_secs(5),
        })
        .expect("a fresh SQLite database");
        crate::demo::load(&store).expect("the demo loads");
        let hits = store
            .read(|connection| {
                search(
                    connection,
                    &Search {
                        text: Some("degu enrichment".into()),
                        reads_network: true,
                        limit: 10,
                        ..Search::default()
                    },
                )
            })
            .expect("a search");
        assert_eq!(hits[0].row.title, "Enrichment template for degus");
        assert_eq!(hits[0].row.version, 2);
        let private = store
            .read(|connection| {
                search(
                    connection,
                    &Search {
                        text: Some("chinchilla heat stroke".into()),
                        reads_network: true,
                        limit: 10,
                        ..Search::default()
                    },
                )
            })
            .expect("a search");
        assert!(
            private.iter().all(|hit| hit.row.visibility == "network"),
            "a stranger never finds the private case write-up"
        );
        let count = store
            .read(|connection| {
                search(
                    connection,
                    &Search {
                        reads_network: true,
                        limit: 100,
                        ..Search::default()
                    },
                )
            })
            .expect("a listing")
            .len();
        assert_eq!(count, ARTICLES.len() - 1);
        let _ = std::fs::remove_dir_all(folder);
    }
}
