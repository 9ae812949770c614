# io-freeze: cases/io-failover.sh with the primary frozen (SIGSTOP of the protect daemon, io1
# left running without its disk server and NIC) instead of killed. Runs in dom0:
# testbed.sh -g hvm-nopv -t 1800 cases/io-freeze.sh
IO_MODE=freeze
# shellcheck source=io-failover.sh
. "$TB_HOME/cases/io-failover.sh"
