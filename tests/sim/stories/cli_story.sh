#!/usr/bin/env bash
# A story told with the official CLI (`hcloud`, Debian package hcloud-cli) against
# hcloud-sim. Needs HCLOUD_ENDPOINT and HCLOUD_TOKEN; stops at the first command that
# fails or the first check that does not hold.
set -euo pipefail

step_no=0
step() { step_no=$((step_no + 1)); printf '[%2d] %s\n' "$step_no" "$*"; }
fail() { echo "cli story failed at step $step_no: $*" >&2; exit 1; }
# Runs the CLI quickly: actions are polled every 100 ms.
hc() { hcloud --poll-interval 100ms "$@"; }
# Prints one field of a resource through the CLI's Go template output.
field() { hc "$1" describe "$2" -o "format=$3"; }
expect() { # expect WHAT GOT WANT
    [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}
count() { hc "$1" list -o noheader "${@:2}" | grep -c . || true; }

# An OpenSSH ed25519 public key line with a made-up key body.
public_key=$(python3 -c '
import base64
kind = b"ssh-ed25519"; body = bytes(range(32))
blob = len(kind).to_bytes(4, "big") + kind + len(body).to_bytes(4, "big") + body
print("ssh-ed25519", base64.b64encode(blob).decode(), "story@cli")')

step "SSH key"
hc ssh-key create --name cli-key --public-key "$public_key" --label story=cli >/dev/null
expect "fingerprint groups" "$(field ssh-key cli-key '{{.Fingerprint}}' | tr ':' '\n' | wc -l)" 16

step "server created by names"
hc server create --name cli-web-1 --type cx22 --image ubuntu-24.04 --location fsn1 \
    --ssh-key cli-key --label story=cli --label role=web >/dev/null
expect "status" "$(field server cli-web-1 '{{.Status}}')" running

step "server created by ids"
type_id=$(field server-type cpx22 '{{.ID}}')
image_id=$(field image debian-12 '{{.ID}}')
location_id=$(field location nbg1 '{{.ID}}')
hc server create --name cli-web-2 --type "$type_id" --image "$image_id" --location "$location_id" \
    --label story=cli --label role=web >/dev/null
expect "type by id" "$(field server cli-web-2 '{{.ServerType.Name}}')" cpx22
expect "image by id" "$(field server cli-web-2 '{{.Image.ID}}')" "$image_id"
expect "status" "$(field server cli-web-2 '{{.Status}}')" running

step "power actions"
for verb in poweroff poweron reboot reset shutdown poweron; do
    hc server "$verb" cli-web-1 >/dev/null
done
expect "status after power actions" "$(field server cli-web-1 '{{.Status}}')" running

step "rescue mode"
hc server enable-rescue cli-web-1 --type linux64 --ssh-key cli-key >/dev/null
expect "rescue" "$(field server cli-web-1 '{{.RescueEnabled}}')" true
hc server disable-rescue cli-web-1 >/dev/null
expect "rescue off" "$(field server cli-web-1 '{{.RescueEnabled}}')" false

step "rebuild"
hc server rebuild cli-web-1 --image debian-12 >/dev/null
expect "image after rebuild" "$(field server cli-web-1 '{{.Image.Name}}')" debian-12

step "change type"
hc server poweroff cli-web-1 >/dev/null
hc server change-type cli-web-1 cx32 --keep-disk >/dev/null
hc server poweron cli-web-1 >/dev/null
expect "type" "$(field server cli-web-1 '{{.ServerType.Name}}')" cx32

step "volume attached"
hc volume create --name cli-data --size 10 --location fsn1 --format ext4 >/dev/null
hc volume attach cli-data --server cli-web-1 >/dev/null
expect "volume server" "$(field volume cli-data '{{.Server.ID}}')" "$(field server cli-web-1 '{{.ID}}')"
hc volume resize cli-data --size 20 >/dev/null
expect "volume size" "$(field volume cli-data '{{.Size}}')" 20

step "network with a server attached"
hc network create --name cli-net --ip-range 10.0.0.0/16 >/dev/null
hc network add-subnet cli-net --type cloud --network-zone eu-central --ip-range 10.0.1.0/24 >/dev/null
hc server attach-to-network cli-web-1 --network cli-net --ip 10.0.1.5 >/dev/null
expect "private IP" "$(field server cli-web-1 '{{range .PrivateNet}}{{.IP}}{{end}}')" 10.0.1.5
expect "network servers" "$(field network cli-net '{{len .Servers}}')" 1

step "firewall applied"
hc firewall create --name cli-fw >/dev/null
hc firewall add-rule cli-fw --direction in --protocol tcp --port 22 --source-ips 0.0.0.0/0 --source-ips ::/0 >/dev/null
hc firewall apply-to-resource cli-fw --type server --server cli-web-1 >/dev/null
hc firewall apply-to-resource cli-fw --type label_selector --label-selector role=web >/dev/null
expect "rules" "$(field firewall cli-fw '{{len .Rules}}')" 1
expect "applied to" "$(field firewall cli-fw '{{len .AppliedTo}}')" 2
expect "server firewalls" "$(field server cli-web-2 '{{len .PublicNet.Firewalls}}')" 1

step "floating IP assigned"
hc floating-ip create --type ipv4 --home-location fsn1 --name cli-fip >/dev/null
hc floating-ip assign cli-fip cli-web-1 >/dev/null
fip=$(field floating-ip cli-fip '{{.IP}}')
hc floating-ip set-rdns cli-fip --ip "$fip" --hostname web.example.com >/dev/null
expect "floating IP server" "$(field floating-ip cli-fip '{{.Server.ID}}')" "$(field server cli-web-1 '{{.ID}}')"
expect "server floating IPs" "$(field server cli-web-1 '{{len .PublicNet.FloatingIPs}}')" 1

step "load balancer with a target"
hc load-balancer create --name cli-lb --type lb11 --location fsn1 >/dev/null
hc load-balancer add-service cli-lb --protocol tcp --listen-port 80 --destination-port 8080 >/dev/null
hc load-balancer add-target cli-lb --server cli-web-1 >/dev/null
hc load-balancer add-target cli-lb --label-selector role=web >/dev/null
expect "targets" "$(field load-balancer cli-lb '{{len .Targets}}')" 2
expect "services" "$(field load-balancer cli-lb '{{len .Services}}')" 1
expect "target server" "$(field load-balancer cli-lb '{{(index .Targets 0).Server.Server.ID}}')" "$(field server cli-web-1 '{{.ID}}')"
expect "servers behind the selector" "$(field load-balancer cli-lb '{{len (index .Targets 1).Targets}}')" 2

step "labels and selectors"
hc server add-label --overwrite cli-web-2 role=db >/dev/null
expect "role=web" "$(hc server list -l story=cli,role=web -o noheader -o columns=name)" cli-web-1
expect "story=cli" "$(count server -l story=cli)" 2
hc server remove-label cli-web-2 role >/dev/null
expect "without role" "$(hc server list -l 'story=cli,!role' -o noheader -o columns=name)" cli-web-2

step "deletion of everything"
hc load-balancer remove-target cli-lb --server cli-web-1 >/dev/null
hc load-balancer delete cli-lb >/dev/null
hc firewall remove-from-resource cli-fw --type server --server cli-web-1 >/dev/null
hc firewall remove-from-resource cli-fw --type label_selector --label-selector role=web >/dev/null
hc firewall delete cli-fw >/dev/null
hc floating-ip unassign cli-fip >/dev/null
hc floating-ip delete cli-fip >/dev/null
hc volume detach cli-data >/dev/null
hc volume delete cli-data >/dev/null
hc server detach-from-network cli-web-1 --network cli-net >/dev/null
hc network delete cli-net >/dev/null
hc server delete cli-web-1 >/dev/null
hc server delete cli-web-2 >/dev/null
hc ssh-key delete cli-key >/dev/null
for kind in server volume network firewall floating-ip load-balancer ssh-key primary-ip; do
    expect "$kind left over" "$(count "$kind")" 0
done
echo "cli story: $step_no steps passed"
