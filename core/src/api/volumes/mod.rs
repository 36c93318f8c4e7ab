//! Volumes: block storage that attaches to one server in the same location.

mod generated;

pub use generated::*;

crate::recover::recoverable! {
    CreateVolume => Volume via ListVolumes, "volume",
    name(asked) Some(&asked.name),
    created(output: CreatedVolume) &output.volume,
    actions,
    running(volume) volume.id,
    differ(asked, found) {
        // Sizes are whole gigabytes; the API writes them as numbers that may carry a fraction.
        "size": Some(asked.size as f64) => [found.size],
        "location": asked.location.as_ref() => [found.location.name, found.location.id],
        "format": asked.format.as_ref() => [found.format.as_deref().unwrap_or("none")],
    },
}
