//! Where the files attached to cases are kept, and what is done to a file
//! before it is kept.
//!
//! The bytes go to an object store ([`object_store`]): a folder under the
//! data directory by default, or an S3-compatible bucket for several
//! replicas. An object is named by the SHA-256 of its content
//! (`files/<hex>`), so storing the same file twice (a retried upload, the
//! same radiograph sent to two consults) writes one object, and a retry
//! needs no bookkeeping of its own.
//!
//! An upload stores its objects first and then writes its row in one
//! transaction. If that transaction fails, or the process dies in between,
//! the object is named by no row; [`Files::sweep`] removes every object no
//! row names once it is older than the sweep age (an hour), which no upload
//! in progress reaches. Removing a file removes its row; its objects go with
//! the next sweep when nothing else names them.
//!
//! Before anything is stored, [`prepare`] decides the type from the content
//! ([`MediaType::sniff`]), and re-encodes an image: decoding it within
//! limits (so an image made to exhaust memory is refused), turning it the
//! way its camera said, and encoding only the pixels, so none of a phone
//! photo's metadata (where it was taken, the device) survives. A JPEG
//! thumbnail is made once, at the same time.

use std::io::Cursor;
use std::sync::Arc;

use actix_web::web::Bytes;
use anyhow::Context;
use futures_util::{StreamExt, TryStreamExt};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};
use warren_domain::attachments::{
    FileError, MAX_IMAGE_SIDE, MediaType, THUMBNAIL_SIDE, check_file,
};
use warren_store::Store;

use crate::config::FileSettings;

/// The object store and its limits, shared by every worker.
#[derive(Clone)]
pub struct Files {
    objects: Arc<dyn ObjectStore>,
    /// The largest file kept.
    pub max_bytes: u64,
    sweep_age: std::time::Duration,
    /// Where the files are, for the start-up line.
    pub destination: String,
    /// The local folder, when the files are kept in one.
    pub folder: Option<std::path::PathBuf>,
}

/// The folder (or bucket prefix) every object is under.
const PREFIX: &str = "files";

/// The largest allocation decoding one image may make: a 12,000 × 12,000
/// RGBA image is 576 MB, so this also bounds what the pixel limits allow.
const MAX_DECODE_BYTES: u64 = 600 * 1024 * 1024;

impl Files {
    /// Opens the configured store: the bucket of `object_store_url`, or the
    /// folder (created when missing).
    pub fn open(settings: &FileSettings) -> anyhow::Result<Self> {
        let (objects, destination): (Arc<dyn ObjectStore>, String) =
            match &settings.object_store_url {
                Some(url) => {
                    let mut builder = object_store::aws::AmazonS3Builder::from_env().with_url(url);
                    for (key, value) in &settings.object_store_options {
                        let key = key
                            .parse::<object_store::aws::AmazonS3ConfigKey>()
                            .with_context(|| format!("unknown object store setting {key}"))?;
                        builder = builder.with_config(key, value);
                    }
                    let bucket = builder
                        .build()
                        .with_context(|| format!("cannot use the object store {url}"))?;
                    (Arc::new(bucket), format!("the bucket {url}"))
                }
                None => {
                    std::fs::create_dir_all(&settings.folder).with_context(|| {
                        format!(
                            "cannot create the files folder {}",
                            settings.folder.display()
                        )
                    })?;
                    let folder =
                        object_store::local::LocalFileSystem::new_with_prefix(&settings.folder)?;
                    (
                        Arc::new(folder),
                        format!("the folder {}", settings.folder.display()),
                    )
                }
            };
        Ok(Self {
            objects,
            max_bytes: settings.max_bytes,
            sweep_age: settings.sweep_age,
            destination,
            folder: settings
                .object_store_url
                .is_none()
                .then(|| settings.folder.clone()),
        })
    }

    fn path(digest: &str) -> Path {
        Path::from(format!("{PREFIX}/{digest}"))
    }

    /// Stores `content` under its digest.
    pub async fn put(&self, digest: &str, content: Bytes) -> anyhow::Result<()> {
        self.objects
            .put(&Self::path(digest), PutPayload::from_bytes(content))
            .await
            .with_context(|| format!("storing the object {digest}"))?;
        Ok(())
    }

    /// The object stored under `digest`, as a stream of chunks.
    pub async fn get(
        &self,
        digest: &str,
    ) -> anyhow::Result<impl futures_util::Stream<Item = Result<Bytes, object_store::Error>> + use<>>
    {
        let found = self
            .objects
            .get(&Self::path(digest))
            .await
            .with_context(|| format!("reading the object {digest}"))?;
        Ok(found.into_stream())
    }

    /// Every stored object's digest.
    pub async fn digests(&self) -> anyhow::Result<Vec<String>> {
        let prefix = Path::from(PREFIX);
        self.objects
            .list(Some(&prefix))
            .map_ok(|meta| meta.location.filename().unwrap_or_default().to_owned())
            .try_collect()
            .await
            .context("listing the stored objects")
    }

    /// Removes every object that no file names and that is older than the
    /// sweep age (`min_age` overrides it); answers how many went.
    pub async fn sweep(
        &self,
        store: &Store,
        min_age: Option<std::time::Duration>,
    ) -> anyhow::Result<usize> {
        let age = chrono::Duration::from_std(min_age.unwrap_or(self.sweep_age))?;
        let cutoff = chrono::Utc::now() - age;
        let prefix = Path::from(PREFIX);
        let old: Vec<(String, Path)> = self
            .objects
            .list(Some(&prefix))
            .try_filter(|meta| std::future::ready(meta.last_modified <= cutoff))
            .map_ok(|meta| {
                (
                    meta.location.filename().unwrap_or_default().to_owned(),
                    meta.location,
                )
            })
            .try_collect()
            .await
            .context("listing the stored objects")?;
        if old.is_empty() {
            return Ok(0);
        }
        let digests: Vec<String> = old.iter().map(|(digest, _)| digest.clone()).collect();
        let store = store.clone();
        let named = tokio::task::spawn_blocking(move || {
            store.read(|connection| warren_store::attachments::named(connection, &digests))
        })
        .await??;
        let mut removed = 0;
        for (digest, location) in old {
            if named.contains(&digest) {
                continue;
            }
            match self.objects.delete(&location).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => removed += 1,
                Err(error) => return Err(error).context("removing an unnamed object"),
            }
        }
        Ok(removed)
    }
}

/// What `warren backup` does with the files: with the local folder, copies
/// every stored object into `target` (a new folder, next to the database
/// copy) and answers how many; with a bucket, copies nothing and answers
/// `None` — a bucket is backed up by its own versioning or replication.
/// Restoring is putting the folder back as `files` in the data directory.
pub fn back_up(settings: &FileSettings, target: &std::path::Path) -> anyhow::Result<Option<usize>> {
    if settings.object_store_url.is_some() {
        return Ok(None);
    }
    anyhow::ensure!(!target.exists(), "{} already exists", target.display());
    let from = settings.folder.join(PREFIX);
    let to = target.join(PREFIX);
    std::fs::create_dir_all(&to).with_context(|| format!("cannot create {}", to.display()))?;
    let mut copied = 0;
    if from.exists() {
        for entry in std::fs::read_dir(&from)? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                std::fs::copy(entry.path(), to.join(entry.file_name()))
                    .with_context(|| format!("cannot copy {}", entry.path().display()))?;
                copied += 1;
            }
        }
    }
    Ok(Some(copied))
}

/// A file ready to store: what is kept, and for an image its thumbnail.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Its type, from its content.
    pub media_type: MediaType,
    /// What is stored: the file itself, or an image re-encoded.
    pub content: Bytes,
    /// `content`'s SHA-256, in hex.
    pub digest: String,
    /// An image's width and height.
    pub dimensions: Option<(u32, u32)>,
    /// An image's thumbnail (JPEG) and its digest.
    pub thumbnail: Option<(Bytes, String)>,
}

/// The SHA-256 of `content`, in hex.
pub fn digest(content: &[u8]) -> String {
    Sha256::digest(content)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Checks `content` and makes it ready to store (see the module's text).
/// Blocking: decoding and encoding an image takes a while.
pub fn prepare(content: Bytes, max_bytes: u64) -> Result<Prepared, FileError> {
    let media_type = check_file(&content, content.len() as u64, max_bytes)?;
    let format = match media_type {
        MediaType::Jpeg => ImageFormat::Jpeg,
        MediaType::Png => ImageFormat::Png,
        MediaType::Webp => ImageFormat::WebP,
        MediaType::Pdf | MediaType::Mp4 | MediaType::QuickTime | MediaType::Webm => {
            return Ok(Prepared {
                media_type,
                digest: digest(&content),
                content,
                dimensions: None,
                thumbnail: None,
            });
        }
    };
    let image = decode(&content, format)?;
    let encoded = encode(&image, format).ok_or(FileError::UnreadableImage)?;
    let thumbnail = encode(
        &DynamicImage::ImageRgb8(image.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE).to_rgb8()),
        ImageFormat::Jpeg,
    )
    .ok_or(FileError::UnreadableImage)?;
    let thumbnail_digest = digest(&thumbnail);
    Ok(Prepared {
        media_type,
        digest: digest(&encoded),
        content: Bytes::from(encoded),
        dimensions: Some((image.width(), image.height())),
        thumbnail: Some((Bytes::from(thumbnail), thumbnail_digest)),
    })
}

/// Decodes an image within the size limits, turned upright.
fn decode(content: &[u8], format: ImageFormat) -> Result<DynamicImage, FileError> {
    let refused = |error: image::ImageError| match error {
        image::ImageError::Limits(_) => FileError::ImageTooLarge,
        _ => FileError::UnreadableImage,
    };
    let mut reader = ImageReader::with_format(Cursor::new(content), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(refused)?;
    let orientation = decoder.orientation().map_err(refused)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(refused)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Encodes only the pixels of `image` as `format` (JPEG at quality 90,
/// lossless PNG and WebP).
fn encode(image: &DynamicImage, format: ImageFormat) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let written = match format {
        ImageFormat::Jpeg => {
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
            DynamicImage::ImageRgb8(image.to_rgb8()).write_with_encoder(encoder)
        }
        ImageFormat::Png => {
            let encoder = image::codecs::png::PngEncoder::new(&mut out);
            image.write_with_encoder(encoder)
        }
        _ => {
            let encoder = image::codecs::webp::WebPEncoder::new_lossless(&mut out);
            DynamicImage::ImageRgba8(image.to_rgba8()).write_with_encoder(encoder)
        }
    };
    written.ok().map(|()| out)
}

/// Reads a stream of chunks into memory, refusing more than `max` bytes.
pub async fn collect_limited<S, E>(mut stream: S, max: u64) -> Result<Option<Vec<u8>>, E>
where
    S: futures_util::Stream<Item = Result<Bytes, E>> + Unpin,
{
    let mut content = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if (content.len() + chunk.len()) as u64 > max {
            return Ok(None);
        }
        content.extend_from_slice(&chunk);
    }
    Ok(Some(content))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        }));
        encode(&image, ImageFormat::Png).unwrap()
    }

    #[test]
    fn an_image_is_re_encoded_with_a_thumbnail() {
        let prepared = prepare(Bytes::from(png(640, 480)), 1 << 20).unwrap();
        assert_eq!(prepared.media_type, MediaType::Png);
        assert_eq!(prepared.dimensions, Some((640, 480)));
        let (thumbnail, thumbnail_digest) = prepared.thumbnail.unwrap();
        assert_eq!(thumbnail_digest, digest(&thumbnail));
        let small = image::load_from_memory(&thumbnail).unwrap();
        assert_eq!((small.width(), small.height()), (320, 240));
    }

    #[test]
    fn a_cut_short_image_is_refused() {
        let whole = png(64, 64);
        let cut = Bytes::from(whole[..whole.len() / 2].to_vec());
        assert_eq!(
            prepare(cut, 1 << 20).unwrap_err(),
            FileError::UnreadableImage
        );
    }

    #[test]
    fn a_pdf_is_kept_as_it_came() {
        let pdf = Bytes::from_static(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n");
        let prepared = prepare(pdf.clone(), 1 << 20).unwrap();
        assert_eq!(prepared.content, pdf);
        assert!(prepared.thumbnail.is_none());
    }
}
