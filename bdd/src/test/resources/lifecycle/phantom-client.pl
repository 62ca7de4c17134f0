#!/usr/bin/perl
# A client of the daemon whose socket outlives the process that connected it (B-L1, B-L3, B-L5). Perl, because it
# can fork: a forked grandchild keeps the connection open after its parent dies, so the daemon never sees a close.
#   held   <socket>          the parent connects and says hello with its own pid, a grandchild holds the socket,
#                            the parent prints "ready <grandchild pid>" and waits to be killed
#   orphan <socket> <host> <marker>
#                            the parent connects, prints "ready <grandchild pid>" and exits at once; the grandchild
#                            then says hello naming the dead parent and host <host>, creates the file <marker> (its
#                            stdout may be gone: the JVM closes a child's pipe when the child exits) and holds the socket
use strict;
use warnings;
use IO::Handle;
use IO::Socket::UNIX;
use Socket qw(SOCK_STREAM);

my ($mode, $path, $host, $marker) = @ARGV;
STDOUT->autoflush(1);
my $socket = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $path) or die "connect $path: $!";
$socket->autoflush(1);
my $daemon_hello = <$socket>; # the daemon speaks first (B-W2)
my $parent = $$;

if ($mode eq 'held') {
    print $socket qq({"mcpd_client":1,"pid":$parent,"hostPid":null,"env":{}}\n);
    my $child = fork() // die "fork: $!";
    if ($child == 0) {
        sleep 600;
        exit 0;
    }
    print "ready $child\n";
    sleep 600;
    exit 0;
}

my $child = fork() // die "fork: $!";
if ($child == 0) {
    select(undef, undef, undef, 0.02) while getppid() == $parent;
    print $socket qq({"mcpd_client":1,"pid":$parent,"hostPid":$host,"env":{}}\n);
    open(my $done, '>', $marker) or die "create $marker: $!";
    close($done);
    sleep 600;
    exit 0;
}
print "ready $child\n";
exit 0;
