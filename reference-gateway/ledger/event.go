package ledger

// book returns the record of event e's effects on account a, or nil when e
// was applied before (its token is known). Every event is booked whatever
// order it arrives in: a follow-up whose authorization is unknown creates the
// hold it refers to, so that the authorization, when it comes, finds it.
func book(a *account, e *Event, now int64) *record {
	if _, dup := a.seen[mkTok(e.Token)]; dup {
		return nil
	}
	rec := &record{Acct: e.Account, At: now, Seen: e.Token}
	// hold returns a copy of the hold the event refers to, or a new one.
	hold := func(id string, tokens ...string) *hold {
		if h := a.find(tokens...); h != nil {
			return h.clone()
		}
		return &hold{ID: id, State: Open, Created: now}
	}
	switch e.Kind {
	case AuthApproved, AuthDeclined:
		h := hold(firstNonEmpty(e.JITToken, e.Token), e.JITToken, e.Token)
		h.addJIT(e.JITToken)
		h.addTxn(e.Token)
		if e.Kind == AuthDeclined {
			h.close(Released, now)
		} else if !h.AuthKnown {
			h.Auth, h.AuthKnown = e.Amount, true
		}
		rec.Hold = h
	case IncrApproved, IncrDeclined:
		h := hold(firstNonEmpty(e.RootJIT, e.RefTxn, e.JITToken), e.JITToken, e.RootJIT, e.RefTxn)
		h.addJIT(e.RootJIT)
		h.addJIT(e.JITToken)
		h.addTxn(e.RefTxn)
		if e.Kind == IncrDeclined {
			if h.Void == nil {
				h.Void = map[string]bool{}
			}
			h.Void[e.JITToken] = true
		} else if _, ok := h.Incr[e.JITToken]; !ok {
			if h.Incr == nil {
				h.Incr = map[string]int64{}
			}
			h.Incr[e.JITToken] = e.Amount
		}
		rec.Hold = h
	case Advice, Reverse, Expire, Clear:
		rec.Ledger = e.Movement
		if e.RefTxn == "" && e.RootJIT == "" {
			break // a force post or an unlinked refund: no hold to touch
		}
		h := hold(firstNonEmpty(e.RootJIT, e.RefTxn), e.RootJIT, e.RefTxn)
		h.addJIT(e.RootJIT)
		h.addTxn(e.RefTxn)
		switch {
		case e.Kind == Advice:
			h.Released += e.Amount
		case e.Kind == Expire:
			h.close(Expired, now)
		case e.Final && e.Kind == Clear:
			h.close(Cleared, now)
		case e.Final:
			h.close(Released, now)
		case e.Kind == Clear:
			h.Consumed += e.Amount
		default:
			h.Released += e.Amount
		}
		rec.Hold = h
	case DebitApproved, DebitDeclined:
		h := hold(firstNonEmpty(e.JITToken, e.Token), e.JITToken, e.Token)
		h.addJIT(e.JITToken)
		h.addTxn(e.Token)
		fresh := !h.Debit
		h.Debit = true
		switch {
		case e.Kind == DebitApproved && fresh:
			// Stood in, or the gateway's answer was lost: debit now.
			h.Debited, h.State, h.Closed = e.Amount, Cleared, now
			rec.Ledger = -e.Amount
		case e.Kind == DebitDeclined && h.State == Cleared && !fresh:
			// The gateway debited, the network declined: give it back.
			rec.Ledger = h.Debited
			h.State, h.Closed = Released, now
		case e.Kind == DebitDeclined:
			h.State, h.Closed = Released, now
		}
		rec.Hold = h
	case Post:
		rec.Ledger = e.Movement
	}
	return rec
}
