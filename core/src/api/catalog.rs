//! Well-known catalog names, as of 2026-07 (the API specification snapshot of 2026-07-08).
//!
//! These are conveniences for examples and scripts. The live catalogs are the source of
//! truth: server types, images and locations come and go, and the API's
//! `GET /server_types`, `GET /images` and `GET /locations` list what is orderable today.
//! Operations take plain strings, so a name missing here can always be used.

/// Server type names.
pub mod server_types {
    /// Shared vCPU, Intel/AMD, 2 vCPU, 4 GB.
    pub const CX22: &str = "cx22";
    /// Shared vCPU, Intel/AMD, 4 vCPU, 8 GB.
    pub const CX32: &str = "cx32";
    /// Shared vCPU, AMD, 2 vCPU, 2 GB.
    pub const CPX11: &str = "cpx11";
    /// Shared vCPU, AMD, 2 vCPU, 4 GB.
    pub const CPX22: &str = "cpx22";
    /// Shared vCPU, AMD, 4 vCPU, 8 GB.
    pub const CPX31: &str = "cpx31";
    /// Shared vCPU, Ampere (ARM), 2 vCPU, 4 GB.
    pub const CAX11: &str = "cax11";
    /// Dedicated vCPU, AMD, 2 vCPU, 8 GB.
    pub const CCX13: &str = "ccx13";
}

/// System image names.
pub mod images {
    /// Ubuntu 24.04 LTS.
    pub const UBUNTU_24_04: &str = "ubuntu-24.04";
    /// Ubuntu 22.04 LTS.
    pub const UBUNTU_22_04: &str = "ubuntu-22.04";
    /// Debian 12.
    pub const DEBIAN_12: &str = "debian-12";
    /// Debian 13.
    pub const DEBIAN_13: &str = "debian-13";
    /// Fedora 42.
    pub const FEDORA_42: &str = "fedora-42";
    /// Rocky Linux 9.
    pub const ROCKY_9: &str = "rocky-9";
}

/// Location names.
pub mod locations {
    /// Falkenstein, Germany.
    pub const FSN1: &str = "fsn1";
    /// Nuremberg, Germany.
    pub const NBG1: &str = "nbg1";
    /// Helsinki, Finland.
    pub const HEL1: &str = "hel1";
    /// Ashburn, Virginia, USA.
    pub const ASH: &str = "ash";
    /// Hillsboro, Oregon, USA.
    pub const HIL: &str = "hil";
    /// Singapore.
    pub const SIN: &str = "sin";
}
