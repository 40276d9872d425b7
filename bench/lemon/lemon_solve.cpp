// The LEMON side of instance F (issue 14): reads the graph that `Tandem.Bench explicit-gen` writes as
// text ("mentees mentors pairs", the mentor capacities, then "mentee mentor score" per line), solves
// max-matched-then-score (or max-score with --max-score) as a min-cost flow with LEMON's CostScaling
// (source -> mentee -> mentor -> sink plus an "unmatched" arc per mentee, costs -(score + K)), and
// writes the assignment as text, one "mentee mentor score" line per matched mentee.
// Build: g++ -O2 -o lemon_solve lemon_solve.cpp (Debian liblemon-dev; header-only use).
#include <lemon/smart_graph.h>
#include <lemon/cost_scaling.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <algorithm>

using namespace lemon;

// Whole-file read and a hand-rolled integer scanner: the fastest plain way to read text in C++.
static char* buf;
static size_t pos, len;
static long long next_int() {
  while (pos < len && (buf[pos] < '0' || buf[pos] > '9') && buf[pos] != '-') pos++;
  bool neg = false;
  if (pos < len && buf[pos] == '-') { neg = true; pos++; }
  long long x = 0;
  while (pos < len && buf[pos] >= '0' && buf[pos] <= '9') x = x * 10 + (buf[pos++] - '0');
  return neg ? -x : x;
}

int main(int argc, char** argv) {
  if (argc < 2) { fprintf(stderr, "usage: lemon_solve GRAPH.txt [--max-score] [OUT.txt]\n"); return 2; }
  bool max_score = false;
  const char* out_path = nullptr;
  for (int a = 2; a < argc; a++) {
    if (strcmp(argv[a], "--max-score") == 0) max_score = true; else out_path = argv[a];
  }
  FILE* f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 2; }
  fseek(f, 0, SEEK_END); len = ftell(f); fseek(f, 0, SEEK_SET);
  buf = (char*)malloc(len);
  if (fread(buf, 1, len, f) != len) { fprintf(stderr, "short read\n"); return 2; }
  fclose(f);

  int n = (int)next_int(), m = (int)next_int();
  long long pairs = next_int();
  std::vector<int> cap(m), pi(pairs), pj(pairs);
  std::vector<long long> ps(pairs);
  long long capsum = 0;
  for (int j = 0; j < m; j++) { cap[j] = (int)next_int(); capsum += cap[j]; }
  long long smin = 0, smax = 0;
  for (long long k = 0; k < pairs; k++) {
    pi[k] = (int)next_int(); pj[k] = (int)next_int(); ps[k] = next_int();
    if (k == 0 || ps[k] < smin) smin = ps[k];
    if (k == 0 || ps[k] > smax) smax = ps[k];
  }
  free(buf);
  long long bonus = 0;
  if (!max_score && pairs > 0) bonus = (smax - smin) * std::min<long long>(n, capsum) + std::max(0LL, -smin) + 1;

  SmartDigraph g;
  g.reserveNode(n + m + 2);
  g.reserveArc(2 * n + pairs + m);
  std::vector<SmartDigraph::Node> node(n + m + 2);
  for (int v = 0; v < n + m + 2; v++) node[v] = g.addNode();
  SmartDigraph::Node source = node[n + m], sink = node[n + m + 1];
  SmartDigraph::ArcMap<long long> upper(g), cost(g);
  for (int i = 0; i < n; i++) {
    SmartDigraph::Arc a = g.addArc(source, node[i]); upper[a] = 1; cost[a] = 0;
    a = g.addArc(node[i], sink); upper[a] = 1; cost[a] = 0;
  }
  std::vector<SmartDigraph::Arc> arc(pairs, INVALID);
  for (long long k = 0; k < pairs; k++) {
    long long w = ps[k] + bonus;
    if (w <= 0) continue;
    SmartDigraph::Arc a = g.addArc(node[pi[k]], node[n + pj[k]]);
    upper[a] = 1; cost[a] = -w; arc[k] = a;
  }
  for (int j = 0; j < m; j++) {
    SmartDigraph::Arc a = g.addArc(node[n + j], sink); upper[a] = cap[j]; cost[a] = 0;
  }

  CostScaling<SmartDigraph, long long, long long> solver(g);
  solver.upperMap(upper).costMap(cost).stSupply(source, sink, n);
  if (solver.run() != CostScaling<SmartDigraph, long long, long long>::OPTIMAL) { fprintf(stderr, "LEMON: not optimal\n"); return 1; }

  FILE* out = out_path ? fopen(out_path, "wb") : stdout;
  long long matched = 0, total = 0;
  for (long long k = 0; k < pairs; k++)
    if (arc[k] != INVALID && solver.flow(arc[k]) > 0) {
      matched++; total += ps[k];
      fprintf(out, "%d %d %lld\n", pi[k], pj[k], ps[k]);
    }
  fprintf(out, "matched %lld total %lld weight %lld\n", matched, total, -solver.totalCost());
  if (out != stdout) fclose(out);
  return 0;
}
