package traffic

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/jitsim/jitsim/jit"
	"github.com/jitsim/jitsim/simulator"
)

// merchantsPerScenario is the size of each scenario's merchant pool:
// cardholders keep going back to the same shops.
const merchantsPerScenario = 24

// Holder is one cardholder: a user with one card, funded at the start.
type Holder struct {
	FirstName, LastName, Email string
	// Balance is the starting balance in minor units.
	Balance int64
}

// Generator turns a profile into flows. It is deterministic for a seed and
// not safe for concurrent use: drive it from one goroutine.
type Generator struct {
	p         Profile
	rng       *rand.Rand
	holders   []Holder
	merchants map[string][]simulator.Merchant
	names     []string // scenarios with a positive weight, in table order
	cum       []int    // cumulative weights of names
	next      int64
	twenty    jit.Amount
}

// New returns a generator for p. It returns p.Validate's error, a
// *jit.Error with code EINVALID naming the field.
func New(p Profile) (*Generator, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if p.Seed == 0 {
		p.Seed = 1
	}
	g := &Generator{
		p:         p,
		rng:       rand.New(rand.NewPCG(p.Seed, 0x7472616666696300)), // "traffic"
		merchants: map[string][]simulator.Merchant{},
		twenty:    jit.MustAmount("20"),
	}
	// gofakeit gets its own stream (never seed 0, which is crypto-random),
	// so names do not shift the flows' draws.
	fake := gofakeit.New(p.Seed*0x9E3779B97F4A7C15 | 1)
	total := 0
	for _, name := range scenarioOrder {
		if w := p.Mix[name]; w > 0 {
			total += w
			g.names = append(g.names, name)
			g.cum = append(g.cum, total)
			g.merchants[name] = makeMerchants(fake, g.rng, scenarios[name])
		}
	}
	bal := p.Cardholders.Balance
	for range p.Cardholders.Count {
		first, last := fake.FirstName(), fake.LastName()
		g.holders = append(g.holders, Holder{
			FirstName: first, LastName: last,
			Email:   strings.ToLower(first+"."+last) + "@example.com",
			Balance: g.money(bal),
		})
	}
	return g, nil
}

func makeMerchants(fake *gofakeit.Faker, rng *rand.Rand, s scenario) []simulator.Merchant {
	out := make([]simulator.Merchant, merchantsPerScenario)
	for i := range out {
		name := fmt.Sprintf(s.label, fake.Company())
		if len(name) > 40 {
			name = name[:40]
		}
		out[i] = simulator.Merchant{
			MID:         fmt.Sprintf("%015d", rng.Int64N(1e15)),
			MCC:         s.mccs[rng.IntN(len(s.mccs))],
			Name:        name,
			Address:     fake.Street(),
			City:        fake.City(),
			State:       fake.StateAbr(),
			PostalCode:  fake.Zip(),
			CountryCode: "USA",
		}
	}
	return out
}

// SetBalances replaces the cardholders' starting balances (minor units) with
// known ones, such as accounts a gateway already holds; call it before the
// first Next. It returns a *jit.Error with code EINVALID when the count
// differs from the cardholders' or a balance is negative.
func (g *Generator) SetBalances(b []int64) error {
	if len(b) != len(g.holders) {
		return jit.Errorf(jit.EINVALID, "%d balances for %d cardholders", len(b), len(g.holders))
	}
	for i, v := range b {
		if v < 0 {
			return jit.Errorf(jit.EINVALID, "balance %d is negative", i)
		}
		g.holders[i].Balance = v
	}
	return nil
}

// Profile returns the generator's profile.
func (g *Generator) Profile() Profile { return g.p }

// Holders returns the cardholders; Flow.Holder indexes it.
func (g *Generator) Holders() []Holder { return g.holders }

// Next returns the next flow: a scenario drawn by weight, on a cardholder
// drawn uniformly, starting Interval after the previous one.
func (g *Generator) Next() *Flow {
	f := &Flow{
		ID:       g.next,
		Currency: g.p.Currency,
		Start:    time.Duration(g.next) * time.Duration(g.p.Interval),
	}
	g.next++
	n := g.rng.IntN(g.cum[len(g.cum)-1])
	for i, c := range g.cum {
		if n < c {
			f.Scenario = g.names[i]
			break
		}
	}
	f.Holder = g.rng.IntN(len(g.holders))
	pool := g.merchants[f.Scenario]
	f.Merchant = pool[g.rng.IntN(len(pool))]
	scenarios[f.Scenario].plan(g, f)
	return f
}

// money draws uniformly from r in minor units (r is validated).
func (g *Generator) money(r MoneyRange) int64 {
	lo, hi := g.minor(r.Min), g.minor(r.Max)
	return lo + g.rng.Int64N(hi-lo+1)
}

// minor converts a validated amount to minor units.
func (g *Generator) minor(a jit.Amount) int64 {
	m, err := a.Minor(g.p.Currency)
	if err != nil {
		return 0 // unreachable: Validate checked every amount
	}
	return m
}

func (g *Generator) intn(r IntRange) int { return r.Min + g.rng.IntN(r.Max-r.Min+1) }

// delay draws whole seconds uniformly from r.
func (g *Generator) delay(r DurationRange) time.Duration {
	lo, hi := int64(time.Duration(r.Min)/time.Second), int64(time.Duration(r.Max)/time.Second)
	return time.Duration(lo+g.rng.Int64N(hi-lo+1)) * time.Second
}
