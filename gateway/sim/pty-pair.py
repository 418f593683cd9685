"""A serial line without hardware: two pseudo-terminals whose masters are joined byte for byte.

Usage: python3 pty-pair.py LINK_A LINK_B

Each end is a real tty (the slave side of a pty, in raw mode) reachable through a symlink, so
serialport opens it as it opens /dev/ttyUSB0. Like a serial line and unlike a socket, an end that
closes sends no close event to the other. Bytes are never dropped: when one end stops reading,
the relay stops reading from the other (the kernel's tty buffers give backpressure, as a radio's
flow control would). Prints "ready" once both links exist; exits when stdin closes (its parent
went away) or on SIGTERM, removing the links.

Written over Python's standard pty/termios because Node cannot open a pty without a native addon,
and the machine's Python is always there (socat, which did this before, is not).
"""

import errno
import os
import select
import signal
import sys
import tty

HIGH_WATER = 64 * 1024


def open_end(link):
    master, slave = os.openpty()
    tty.setraw(slave)
    os.set_blocking(master, False)
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(os.ttyname(slave), link)
    # Holding the slave open keeps the master from reading EIO (hang-up) while no program has
    # the end open, which is how a serial port behaves between two users.
    return master, slave


def main():
    links = sys.argv[1:3]
    if len(links) != 2:
        sys.stderr.write("usage: pty-pair.py LINK_A LINK_B\n")
        return 2
    ends = [open_end(link) for link in links]
    masters = [m for m, _ in ends]
    pending = [bytearray(), bytearray()]  # pending[i]: bytes waiting to be written into masters[i]

    def stop(*_):
        for link in links:
            try:
                os.unlink(link)
            except OSError:
                pass
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    stdin = sys.stdin.fileno()

    while True:
        readers = [stdin] + [masters[i] for i in (0, 1) if len(pending[1 - i]) < HIGH_WATER]
        writers = [masters[i] for i in (0, 1) if pending[i]]
        readable, writable, _ = select.select(readers, writers, [])
        if stdin in readable and not os.read(stdin, 4096):
            stop()
        for i in (0, 1):
            if masters[i] in readable:
                try:
                    pending[1 - i] += os.read(masters[i], 65536)
                except OSError as e:
                    if e.errno not in (errno.EAGAIN, errno.EIO):
                        raise
            if masters[i] in writable:
                try:
                    written = os.write(masters[i], pending[i])
                    del pending[i][:written]
                except OSError as e:
                    if e.errno not in (errno.EAGAIN, errno.EIO):
                        raise


if __name__ == "__main__":
    sys.exit(main())
