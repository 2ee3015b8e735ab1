// Virtual calls as C++ compilers lower them (clang++-19 --target=wasm32-wasi -O3 -msimd128 -fno-exceptions, Debian's
// wasm32 libc++): an expression tree of heap nodes, each evaluated through its vtable (a load of the vtable pointer,
// a load of the slot, one call_indirect), and a particle system updated through an abstract interface over a
// vector of unique_ptr in an order clang cannot devirtualise. Each part: one warm-up, then the best of RUNS in wall
// time (CLOCK_MONOTONIC). Prints "name ms checksum", lower is better; the checksums are exact integers.
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <memory>
#include <vector>

namespace {

constexpr int kRuns = 5;

double now_ms() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) * 1e-6;
}

// ---- An expression tree evaluated recursively: one virtual call per node per evaluation. ----
struct Expr {
  virtual ~Expr() = default;
  virtual uint32_t eval(uint32_t x) const = 0;
};
struct Var final : Expr {
  uint32_t eval(uint32_t x) const override { return x; }
};
struct Const final : Expr {
  uint32_t value;
  explicit Const(uint32_t v) : value(v) {}
  uint32_t eval(uint32_t) const override { return value; }
};
struct Add final : Expr {
  std::unique_ptr<Expr> left, right;
  Add(std::unique_ptr<Expr> l, std::unique_ptr<Expr> r) : left(std::move(l)), right(std::move(r)) {}
  uint32_t eval(uint32_t x) const override { return left->eval(x) + right->eval(x); }
};
struct Mul final : Expr {
  std::unique_ptr<Expr> left, right;
  Mul(std::unique_ptr<Expr> l, std::unique_ptr<Expr> r) : left(std::move(l)), right(std::move(r)) {}
  uint32_t eval(uint32_t x) const override { return left->eval(x) * right->eval(x); }
};
struct Xor final : Expr {
  std::unique_ptr<Expr> left, right;
  Xor(std::unique_ptr<Expr> l, std::unique_ptr<Expr> r) : left(std::move(l)), right(std::move(r)) {}
  uint32_t eval(uint32_t x) const override { return left->eval(x) ^ (right->eval(x) >> 3); }
};

uint32_t lcg(uint32_t &s) { return s = s * 1103515245u + 12345u; }

std::unique_ptr<Expr> build(int depth, uint32_t &seed) {
  if (depth == 0) {
    if (lcg(seed) >> 16 & 1) return std::make_unique<Var>();
    return std::make_unique<Const>(lcg(seed) >> 8);
  }
  auto l = build(depth - 1, seed);
  auto r = build(depth - 1, seed);
  switch (lcg(seed) >> 16 & 3) {
    case 0: return std::make_unique<Add>(std::move(l), std::move(r));
    case 1: return std::make_unique<Mul>(std::move(l), std::move(r));
    default: return std::make_unique<Xor>(std::move(l), std::move(r));
  }
}

// ---- Objects behind an interface, updated in a shuffled order. ----
struct Particle {
  virtual ~Particle() = default;
  virtual void step(uint32_t t) = 0;
  virtual uint32_t state() const = 0;
};
struct Linear final : Particle {
  uint32_t p = 1, v;
  explicit Linear(uint32_t velocity) : v(velocity) {}
  void step(uint32_t t) override { p += v + t; }
  uint32_t state() const override { return p; }
};
struct Spinner final : Particle {
  uint32_t a = 7;
  void step(uint32_t t) override { a = (a << 7 | a >> 25) ^ t; }
  uint32_t state() const override { return a; }
};
struct Bouncer final : Particle {
  int32_t y = 0, dy = 3;
  void step(uint32_t) override {
    y += dy;
    if (y > 1000 || y < -1000) dy = -dy;
  }
  uint32_t state() const override { return static_cast<uint32_t>(y); }
};
struct Decayer final : Particle {
  uint32_t e = 0xFFFFFFFFu;
  void step(uint32_t t) override { e = e - (e >> 4) + (t & 15); }
  uint32_t state() const override { return e; }
};

template <typename Body>
void timed(const char *name, Body body) {
  double best = 1e30;
  unsigned long long checksum = 0;
  for (int run = 0; run <= kRuns; run++) {
    double t0 = now_ms();
    checksum = body();
    double t = now_ms() - t0;
    if (run > 0 && t < best) best = t;
  }
  std::printf("%s %.2f %llu\n", name, best, checksum);
}

}  // namespace

int main() {
  uint32_t seed = 2024;
  auto tree = build(14, seed);  // 32K nodes
  timed("cpp_virtual_expression_tree", [&] {
    unsigned long long sum = 0;
    for (uint32_t x = 0; x < 40; x++) sum = sum * 31 + tree->eval(x);
    return sum;
  });

  std::vector<std::unique_ptr<Particle>> particles;
  for (int i = 0; i < 4096; i++) {
    switch (lcg(seed) >> 16 & 3) {
      case 0: particles.push_back(std::make_unique<Linear>(lcg(seed) >> 20)); break;
      case 1: particles.push_back(std::make_unique<Spinner>()); break;
      case 2: particles.push_back(std::make_unique<Bouncer>()); break;
      default: particles.push_back(std::make_unique<Decayer>()); break;
    }
  }
  timed("cpp_virtual_particles", [&] {
    for (uint32_t t = 0; t < 400; t++)
      for (auto &p : particles) p->step(t);
    unsigned long long sum = 0;
    for (auto &p : particles) sum = sum * 31 + p->state();
    return sum;
  });
  return 0;
}
