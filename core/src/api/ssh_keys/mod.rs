//! SSH keys: public keys installed into new servers and rescue systems.

mod generated;

pub use generated::*;

crate::recover::recoverable! {
    CreateSshKey => SshKey via ListSshKeys, "SSH key",
    name(asked) Some(&asked.name),
    created(output: SshKey) output,
    differ(asked, found) {
        "public_key": Some(asked.public_key.trim()) => [found.public_key.trim()],
    },
}
