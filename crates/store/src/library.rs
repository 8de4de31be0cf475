//! The knowledge library as stored: articles, every version of each, their
//! tags, and full-text search on both databases.
//!
//! `articles` holds the current version (what search and lists read);
//! `article_versions` holds every version, the first included, and is only
//! ever appended to; `article_tags` holds the current species and topic tags
//! for filtering. An edit is conditional on the version the editor read:
//! [`edit`] answers [`StoreError::Stale`] when someone else edited first.
//!
//! **Search.** PostgreSQL ranks with `ts_rank` over the generated, GIN-indexed
//! `search_vector` column, queried with `websearch_to_tsquery('english', …)`.
//! SQLite ranks with FTS5's bm25 over `articles_fts` (Porter stemming), kept
//! in step by triggers; the words of the query are ANDed, `"quoted
//! phrases"` stay phrases and `-word` excludes, as `websearch_to_tsquery`
//! reads them. Both stem English ("enrichment" finds "enriching"); the two
//! stemmers differ on some plurals ("degus"), so the tags' words are indexed
//! singular and plural. Title, summary and tags weigh more than the body.
//! Snippets come from the database too (`ts_headline`, FTS5 `snippet`), from
//! the summary and body, with the matched words between [`HIGHLIGHT_START`]
//! and [`HIGHLIGHT_END`].

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Double, Text};

use crate::schema::{article_tags, article_versions, articles, organizations};
use crate::{DbConnection, StoreError, StoreResult, now};

/// Marks the start of a matched word in a snippet.
pub const HIGHLIGHT_START: &str = "\u{27E6}";
/// Marks the end of a matched word in a snippet.
pub const HIGHLIGHT_END: &str = "\u{27E7}";
/// The most matches one text query considers (pages are cut from these).
pub const MAX_MATCHES: i64 = 1000;

/// An article's current state, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = articles)]
pub struct ArticleRow {
    /// Stable identifier.
    pub id: String,
    /// The owning organization.
    pub organization_id: String,
    /// `network` or `organization`.
    pub visibility: String,
    /// The kind's code.
    pub kind: String,
    /// The title.
    pub title: String,
    /// The summary.
    pub summary: Option<String>,
    /// Species codes, as a JSON array.
    pub species: String,
    /// Topics, as a JSON array.
    pub topics: String,
    /// The body in Markdown.
    pub body_markdown: String,
    /// The tags' words for full-text search: species labels (singular and
    /// plural) and topics.
    pub tag_text: String,
    /// The body as plain text, for full-text search.
    pub search_text: String,
    /// Who wrote the first version.
    pub created_by: String,
    /// Their account, if a person.
    pub created_by_user_id: Option<String>,
    /// Who wrote the current version.
    pub updated_by: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// When the current version was written.
    pub updated_at: NaiveDateTime,
    /// When it was archived, if it was.
    pub archived_at: Option<NaiveDateTime>,
    /// Who archived it.
    pub archived_by: Option<String>,
    /// The current version's number (the `ETag`).
    pub version: i64,
}

/// One version of an article, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = article_versions)]
pub struct VersionRow {
    /// The article.
    pub article_id: String,
    /// 1, 2, 3, …
    pub number: i64,
    /// The kind's code.
    pub kind: String,
    /// The visibility's code.
    pub visibility: String,
    /// The title.
    pub title: String,
    /// The summary.
    pub summary: Option<String>,
    /// Species codes, as a JSON array.
    pub species: String,
    /// Topics, as a JSON array.
    pub topics: String,
    /// The body in Markdown.
    pub body_markdown: String,
    /// What changed.
    pub change_note: String,
    /// Who wrote it.
    pub author: String,
    /// Their account, if a person.
    pub author_user_id: Option<String>,
    /// When.
    pub created_at: NaiveDateTime,
}

impl VersionRow {
    /// The version an article row describes, with its change note and the
    /// account of the person who wrote it.
    pub fn of(row: &ArticleRow, change_note: &str, author_user_id: Option<&str>) -> Self {
        Self {
            article_id: row.id.clone(),
            number: row.version,
            kind: row.kind.clone(),
            visibility: row.visibility.clone(),
            title: row.title.clone(),
            summary: row.summary.clone(),
            species: row.species.clone(),
            topics: row.topics.clone(),
            body_markdown: row.body_markdown.clone(),
            change_note: change_note.to_owned(),
            author: row.updated_by.clone(),
            author_user_id: author_user_id.map(str::to_owned),
            created_at: row.updated_at,
        }
    }
}

/// An article's tags, as codes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagCodes {
    /// Species codes.
    pub species: Vec<String>,
    /// Topics.
    pub topics: Vec<String>,
}

impl TagCodes {
    /// The tags of a stored row (its JSON columns).
    pub fn of(row: &ArticleRow) -> StoreResult<Self> {
        let parse = |what: &str, text: &str| {
            serde_json::from_str::<Vec<String>>(text)
                .map_err(|error| StoreError::Corrupt(format!("article {what}: {error}")))
        };
        Ok(Self {
            species: parse("species", &row.species)?,
            topics: parse("topics", &row.topics)?,
        })
    }
}

fn replace_tags(connection: &mut DbConnection, row: &ArticleRow) -> StoreResult<()> {
    let tags = TagCodes::of(row)?;
    diesel::delete(article_tags::table.filter(article_tags::article_id.eq(&row.id)))
        .execute(connection)?;
    let tagged = tags
        .species
        .iter()
        .map(|code| ("species", code))
        .chain(tags.topics.iter().map(|code| ("topic", code)));
    // One row at a time: batch inserts are not shared by both backends.
    for (kind, code) in tagged {
        diesel::insert_into(article_tags::table)
            .values((
                article_tags::article_id.eq(&row.id),
                article_tags::kind.eq(kind),
                article_tags::code.eq(code),
            ))
            .execute(connection)?;
    }
    Ok(())
}

/// Creates an article: its row (version 1), its first version and its tags.
pub fn create(
    connection: &mut DbConnection,
    row: &ArticleRow,
    change_note: &str,
) -> StoreResult<()> {
    diesel::insert_into(articles::table)
        .values(row)
        .execute(connection)?;
    diesel::insert_into(article_versions::table)
        .values(VersionRow::of(
            row,
            change_note,
            row.created_by_user_id.as_deref(),
        ))
        .execute(connection)?;
    replace_tags(connection, row)
}

/// One article, archived or not.
pub fn article(connection: &mut DbConnection, id: &str) -> StoreResult<ArticleRow> {
    Ok(articles::table
        .find(id)
        .select(ArticleRow::as_select())
        .first(connection)?)
}

/// The article titled exactly `title`, if there is one.
pub fn by_title(connection: &mut DbConnection, title: &str) -> StoreResult<Option<ArticleRow>> {
    Ok(articles::table
        .filter(articles::title.eq(title))
        .order(articles::id)
        .select(ArticleRow::as_select())
        .first(connection)
        .optional()?)
}

/// What an edit writes: the editable fields of the next version.
#[derive(Debug, Clone)]
pub struct Edit<'a> {
    /// The visibility's code.
    pub visibility: &'a str,
    /// The kind's code.
    pub kind: &'a str,
    /// The title.
    pub title: &'a str,
    /// The summary.
    pub summary: Option<&'a str>,
    /// Species codes, as a JSON array.
    pub species: String,
    /// Topics, as a JSON array.
    pub topics: String,
    /// The body in Markdown.
    pub body_markdown: &'a str,
    /// The tags' words, for search.
    pub tag_text: String,
    /// The body as plain text, for search.
    pub search_text: String,
    /// What changed.
    pub change_note: &'a str,
    /// Who edits.
    pub author: &'a str,
    /// Their account, if a person.
    pub author_user_id: Option<&'a str>,
}

/// Writes `edit` as the next version of `current`, if `current` is still at
/// `expected_version`, and answers the article as it now is. Another edit in
/// between makes this [`StoreError::Stale`] and changes nothing.
pub fn edit(
    connection: &mut DbConnection,
    current: &ArticleRow,
    expected_version: i64,
    edit: &Edit<'_>,
) -> StoreResult<ArticleRow> {
    if expected_version != current.version {
        return Err(StoreError::Stale);
    }
    let next = ArticleRow {
        visibility: edit.visibility.to_owned(),
        kind: edit.kind.to_owned(),
        title: edit.title.to_owned(),
        summary: edit.summary.map(str::to_owned),
        species: edit.species.clone(),
        topics: edit.topics.clone(),
        body_markdown: edit.body_markdown.to_owned(),
        tag_text: edit.tag_text.clone(),
        search_text: edit.search_text.clone(),
        updated_by: edit.author.to_owned(),
        updated_at: now(),
        version: expected_version + 1,
        ..current.clone()
    };
    let updated = diesel::update(
        articles::table
            .filter(articles::id.eq(&current.id))
            .filter(articles::version.eq(expected_version)),
    )
    .set((
        articles::visibility.eq(&next.visibility),
        articles::kind.eq(&next.kind),
        articles::title.eq(&next.title),
        articles::summary.eq(&next.summary),
        articles::species.eq(&next.species),
        articles::topics.eq(&next.topics),
        articles::body_markdown.eq(&next.body_markdown),
        articles::tag_text.eq(&next.tag_text),
        articles::search_text.eq(&next.search_text),
        articles::updated_by.eq(&next.updated_by),
        articles::updated_at.eq(next.updated_at),
        articles::version.eq(next.version),
    ))
    .execute(connection)?;
    if updated == 0 {
        return Err(StoreError::Stale);
    }
    diesel::insert_into(article_versions::table)
        .values(VersionRow::of(&next, edit.change_note, edit.author_user_id))
        .execute(connection)?;
    replace_tags(connection, &next)?;
    Ok(next)
}

/// Archives an article at `expected_version`: it leaves search and lists,
/// stays readable by its address, and can no longer be edited.
pub fn archive(
    connection: &mut DbConnection,
    current: &ArticleRow,
    expected_version: i64,
    by: &str,
) -> StoreResult<()> {
    if expected_version != current.version {
        return Err(StoreError::Stale);
    }
    let updated = diesel::update(
        articles::table
            .filter(articles::id.eq(&current.id))
            .filter(articles::version.eq(expected_version))
            .filter(articles::archived_at.is_null()),
    )
    .set((
        articles::archived_at.eq(Some(now())),
        articles::archived_by.eq(Some(by)),
    ))
    .execute(connection)?;
    if updated == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// Every version of an article, newest first.
pub fn versions(connection: &mut DbConnection, id: &str) -> StoreResult<Vec<VersionRow>> {
    Ok(article_versions::table
        .filter(article_versions::article_id.eq(id))
        .order(article_versions::number.desc())
        .select(VersionRow::as_select())
        .load(connection)?)
}

/// One version of an article.
pub fn version(connection: &mut DbConnection, id: &str, number: i64) -> StoreResult<VersionRow> {
    Ok(article_versions::table
        .find((id, number))
        .select(VersionRow::as_select())
        .first(connection)?)
}

/// The names of the organizations owning `rows`, by id.
pub fn organization_names(
    connection: &mut DbConnection,
    rows: &[ArticleRow],
) -> StoreResult<std::collections::HashMap<String, String>> {
    let mut ids: Vec<&str> = rows
        .iter()
        .map(|row| row.organization_id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(organizations::table
        .filter(organizations::id.eq_any(ids))
        .select((organizations::id, organizations::name))
        .load::<(String, String)>(connection)?
        .into_iter()
        .collect())
}

/// What a search asks for, and what the caller may see.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Words to find (web-search syntax); `None` lists by last change.
    pub text: Option<String>,
    /// Only this kind's code.
    pub kind: Option<String>,
    /// Only articles about this species or group: tagged with it, with its
    /// group, or (for a group) with one of its species.
    pub species: Option<String>,
    /// Only articles with this topic.
    pub topic: Option<String>,
    /// Only this visibility's code.
    pub visibility: Option<String>,
    /// Only this organization's articles.
    pub organization_id: Option<String>,
    /// The organizations whose private articles the caller reads (its own).
    pub member_of: Vec<String>,
    /// Whether the caller reads network-wide articles.
    pub reads_network: bool,
    /// How many to skip.
    pub offset: i64,
    /// How many to return (the caller asks one more to tell a next page).
    pub limit: i64,
}

/// One result: the article, its rank (text queries only, higher is better)
/// and a snippet around the matched words.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The article.
    pub row: ArticleRow,
    /// Relevance, when searched by text.
    pub rank: Option<f64>,
    /// The matched passage, with highlight marks, when searched by text.
    pub snippet: Option<String>,
}

#[derive(QueryableByName)]
struct Ranked {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Double)]
    rank: f64,
}

#[derive(QueryableByName)]
struct Snippet {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    snippet: String,
}

#[derive(QueryableByName)]
struct SqliteSnippets {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    summary: String,
    #[diesel(sql_type = Text)]
    body: String,
}

/// A web-search query as an FTS5 expression: words and `"phrases"` ANDed,
/// `-word` excluded; every term quoted, so nothing the user types is read as
/// FTS5 syntax. `None` when no word is left.
pub fn fts5_query(text: &str) -> Option<String> {
    let mut positive = Vec::new();
    let mut negative = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        rest = &rest[start..];
        let (excluded, body) = match rest.strip_prefix('-') {
            Some(body) => (true, body),
            None => (false, rest),
        };
        let (term, after) = if let Some(quoted) = body.strip_prefix('"') {
            match quoted.find('"') {
                Some(end) => (&quoted[..end], &quoted[end + 1..]),
                None => (quoted, ""),
            }
        } else {
            let end = body.find(char::is_whitespace).unwrap_or(body.len());
            (&body[..end], &body[end..])
        };
        rest = after;
        let words: Vec<&str> = term
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .collect();
        if words.is_empty()
            || (!excluded && words.len() == 1 && words[0].eq_ignore_ascii_case("or"))
        {
            continue;
        }
        let phrase = format!("\"{}\"", words.join(" "));
        if excluded {
            negative.push(phrase);
        } else {
            positive.push(phrase);
        }
    }
    if positive.is_empty() {
        return None;
    }
    let mut query = positive.join(" AND ");
    for phrase in negative {
        query.push_str(" NOT ");
        query.push_str(&phrase);
    }
    Some(query)
}

/// `text` with hyphens inside words made spaces, so "guinea-pig" asks
/// for both words anywhere as "guinea pig" does (PostgreSQL would read it
/// as the compound token, which "guinea pigs" never holds); a hyphen
/// starting a word still excludes it.
pub fn hyphens_apart(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous = ' ';
    for c in text.chars() {
        out.push(if c == '-' && previous.is_alphanumeric() {
            ' '
        } else {
            c
        });
        previous = c;
    }
    out
}

/// The ids matching `text`, best first, with their rank.
fn ranked(connection: &mut DbConnection, text: &str) -> StoreResult<Vec<Ranked>> {
    Ok(match connection {
        DbConnection::Pg(pg) => diesel::sql_query(
            "SELECT id, ts_rank(search_vector, websearch_to_tsquery('english', $1))::float8 AS rank \
             FROM articles \
             WHERE archived_at IS NULL AND search_vector @@ websearch_to_tsquery('english', $1) \
             ORDER BY rank DESC, updated_at DESC, id DESC LIMIT $2",
        )
        .bind::<Text, _>(text)
        .bind::<diesel::sql_types::BigInt, _>(MAX_MATCHES)
        .load(pg)?,
        DbConnection::Sqlite(sqlite) => {
            let Some(query) = fts5_query(text) else {
                return Ok(Vec::new());
            };
            diesel::sql_query(
                "SELECT articles.id AS id, -bm25(articles_fts, 0.0, 10.0, 4.0, 4.0, 1.0) AS rank \
                 FROM articles_fts JOIN articles ON articles.id = articles_fts.article_id \
                 WHERE articles_fts MATCH ? AND articles.archived_at IS NULL \
                 ORDER BY rank DESC, articles.updated_at DESC, articles.id DESC LIMIT ?",
            )
            .bind::<Text, _>(query)
            .bind::<diesel::sql_types::BigInt, _>(MAX_MATCHES)
            .load(sqlite)?
        }
    })
}

/// Snippets of `ids` for `text`, with highlight marks.
fn snippets(
    connection: &mut DbConnection,
    text: &str,
    ids: &[String],
) -> StoreResult<Vec<Snippet>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids_json =
        serde_json::to_string(ids).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    Ok(match connection {
        DbConnection::Pg(pg) => diesel::sql_query(format!(
            "SELECT id, ts_headline('english', coalesce(summary, '') || ' ' || search_text, \
             websearch_to_tsquery('english', $1), \
             'StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_END}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"') \
             AS snippet FROM articles \
             WHERE id IN (SELECT jsonb_array_elements_text($2::jsonb))"
        ))
        .bind::<Text, _>(text)
        .bind::<Text, _>(ids_json)
        .load(pg)?,
        DbConnection::Sqlite(sqlite) => {
            let Some(query) = fts5_query(text) else {
                return Ok(Vec::new());
            };
            // FTS5 snippets one column at a time: take the body's passage
            // when it holds a matched word, else the summary's.
            let both: Vec<SqliteSnippets> = diesel::sql_query(format!(
                "SELECT article_id AS id, \
                 snippet(articles_fts, 2, '{HIGHLIGHT_START}', '{HIGHLIGHT_END}', ' … ', 24) AS summary, \
                 snippet(articles_fts, 4, '{HIGHLIGHT_START}', '{HIGHLIGHT_END}', ' … ', 24) AS body \
                 FROM articles_fts \
                 WHERE articles_fts MATCH ? AND article_id IN (SELECT value FROM json_each(?))"
            ))
            .bind::<Text, _>(query)
            .bind::<Text, _>(ids_json)
            .load(sqlite)?;
            both.into_iter()
                .map(|found| {
                    let marked = |text: &str| text.contains(HIGHLIGHT_START);
                    let snippet = if marked(&found.body) || !marked(&found.summary) {
                        found.body
                    } else {
                        found.summary
                    };
                    Snippet {
                        id: found.id,
                        snippet,
                    }
                })
                .collect()
        }
    })
}

/// Searches the library: the articles the caller may read that match, best
/// first for a text query (then most recently changed), else most recently
/// changed first; `limit` of them after `offset`. Archived articles never
/// appear.
pub fn search(connection: &mut DbConnection, search: &Search) -> StoreResult<Vec<Hit>> {
    let text = search
        .text
        .as_deref()
        .map(hyphens_apart)
        .filter(|text| !text.trim().is_empty());
    let text = text.as_deref().map(str::trim);
    let ranks = match text {
        Some(text) => {
            let ranks = ranked(connection, text)?;
            if ranks.is_empty() {
                return Ok(Vec::new());
            }
            Some(ranks)
        }
        None => None,
    };

    let mut query = articles::table
        .filter(articles::archived_at.is_null())
        .into_boxed();
    let visible = articles::organization_id.eq_any(search.member_of.clone());
    query = if search.reads_network {
        query.filter(visible.or(articles::visibility.eq("network")))
    } else {
        query.filter(visible)
    };
    if let Some(kind) = &search.kind {
        query = query.filter(articles::kind.eq(kind.clone()));
    }
    if let Some(visibility) = &search.visibility {
        query = query.filter(articles::visibility.eq(visibility.clone()));
    }
    if let Some(organization) = &search.organization_id {
        query = query.filter(articles::organization_id.eq(organization.clone()));
    }
    if let Some(species) = &search.species {
        // The species itself and its group; for a group, every species in it.
        let tags = article_tags::table.filter(article_tags::kind.eq("species"));
        query = match species.split_once('/') {
            Some((group, _)) => query.filter(
                articles::id.eq_any(
                    tags.filter(article_tags::code.eq_any(vec![species.clone(), group.to_owned()]))
                        .select(article_tags::article_id),
                ),
            ),
            None => query.filter(
                articles::id.eq_any(
                    tags.filter(
                        article_tags::code.eq(species.clone()).or(article_tags::code
                            .like(format!("{}/%", species.replace('_', "\\_")))
                            .escape('\\')),
                    )
                    .select(article_tags::article_id),
                ),
            ),
        };
    }
    if let Some(topic) = &search.topic {
        query = query.filter(
            articles::id.eq_any(
                article_tags::table
                    .filter(article_tags::kind.eq("topic"))
                    .filter(article_tags::code.eq(topic.clone()))
                    .select(article_tags::article_id),
            ),
        );
    }

    match ranks {
        None => {
            let rows = query
                .order((articles::updated_at.desc(), articles::id.desc()))
                .offset(search.offset)
                .limit(search.limit)
                .select(ArticleRow::as_select())
                .load(connection)?;
            Ok(rows
                .into_iter()
                .map(|row| Hit {
                    row,
                    rank: None,
                    snippet: None,
                })
                .collect())
        }
        Some(ranks) => {
            let ids: Vec<String> = ranks.iter().map(|ranked| ranked.id.clone()).collect();
            let mut rows: std::collections::HashMap<String, ArticleRow> = query
                .filter(articles::id.eq_any(ids))
                .select(ArticleRow::as_select())
                .load(connection)?
                .into_iter()
                .map(|row| (row.id.clone(), row))
                .collect();
            let skip = usize::try_from(search.offset).unwrap_or(usize::MAX);
            let take = usize::try_from(search.limit).unwrap_or(usize::MAX);
            let page: Vec<(ArticleRow, f64)> = ranks
                .into_iter()
                .filter_map(|ranked| rows.remove(&ranked.id).map(|row| (row, ranked.rank)))
                .skip(skip)
                .take(take)
                .collect();
            let page_ids: Vec<String> = page.iter().map(|(row, _)| row.id.clone()).collect();
            let mut snippets: std::collections::HashMap<String, String> =
                snippets(connection, text.unwrap_or_default(), &page_ids)?
                    .into_iter()
                    .map(|snippet| (snippet.id, snippet.snippet))
                    .collect();
            Ok(page
                .into_iter()
                .map(|(row, rank)| Hit {
                    snippet: snippets.remove(&row.id),
                    row,
                    rank: Some(rank),
                })
                .collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fts5_query;

    #[test]
    fn web_search_words_become_quoted_fts5_terms() {
        assert_eq!(
            fts5_query("degu enrichment").as_deref(),
            Some("\"degu\" AND \"enrichment\"")
        );
        assert_eq!(
            fts5_query("\"gi stasis\" rabbit -surgery").as_deref(),
            Some("\"gi stasis\" AND \"rabbit\" NOT \"surgery\"")
        );
        assert_eq!(
            fts5_query("hedgehog OR NEAR(\"x\") col:*").as_deref(),
            Some("\"hedgehog\" AND \"NEAR x\" AND \"col\"")
        );
        assert_eq!(fts5_query("  -only  "), None);
        assert_eq!(
            super::hyphens_apart("guinea-pig -surgery x-ray"),
            "guinea pig -surgery x ray"
        );
        assert_eq!(fts5_query("***"), None);
    }
}
