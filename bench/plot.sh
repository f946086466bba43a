#!/bin/sh
# plot.sh TSV OUTDIR - one PNG per op: throughput (MB/s) against size, log-log,
# one line per backend and thread count. Needs gnuplot (gnuplot-nox).
set -eu
tsv=$1
out=$2
# Names and numbers, no white space: word splitting is what we want.
# shellcheck disable=SC2013
for op in $(awk -F'\t' 'NR > 1 { print $2 }' "$tsv" | sort -u); do
	plots=""
	# shellcheck disable=SC2013
	for series in $(awk -F'\t' -v op="$op" 'NR > 1 && $2 == op { print $1 "@" $4 }' "$tsv" |
		sort -u); do
		b=${series%@*}
		t=${series#*@}
		awk -F'\t' -v op="$op" -v b="$b" -v t="$t" \
			'NR > 1 && $2 == op && $1 == b && $4 == t { print $3 "\t" $6 }' "$tsv" |
			sort -n >"$out/.$op.$b.$t.dat"
		plots="$plots${plots:+, }'$out/.$op.$b.$t.dat' using 1:2 with linespoints title '$b x$t'"
	done
	gnuplot <<GP
set terminal pngcairo size 900,600
set output '$out/$op.png'
set title '$op: throughput against message size (guest, TCG)'
set logscale xy
set format x '%.0s%cB'
set xrange [10:2e6]
set xlabel 'message size (bytes)'
set ylabel 'MB/s (all threads)'
set key left top font ',9'
set grid
plot $plots
GP
	rm -f "$out/.$op".*.dat
done
