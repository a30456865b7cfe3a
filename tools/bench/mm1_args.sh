# tools/bench/mm1_args.sh: the option parsing of mm1_compare.sh and
# mm1_profile.sh, sourced by both (not run on its own).
#
#   mm1_parse_args "--opt-a --opt-b ..." "$@"
#
# Takes the options as pairs "--name value": each --name must be one of the
# listed options and sets the shell variable of that name without its dashes
# ("--json-out FILE" sets json_out). An unlisted option, an option without
# its value, or a $customers that is not a whole number calls the caller's
# usage function (which exits 2). The caller sets the defaults beforehand.
mm1_parse_args() {
  local options=$1 option known
  shift
  while (($#)); do
    [ $# -ge 2 ] || usage
    known=no
    for option in $options; do
      [ "$1" = "$option" ] && known=yes
    done
    [ "$known" = yes ] || usage
    option=${1#--}
    printf -v "${option//-/_}" '%s' "$2"
    shift 2
  done
  case "$customers" in ''|*[!0-9]*) usage ;; esac
}
