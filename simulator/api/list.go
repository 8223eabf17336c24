package api

import (
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/jitsim/jitsim/jit"
)

// listResponse is Marqeta's list envelope (CardProductListResponse,
// UserCardHolderListResponse, …).
type listResponse[T any] struct {
	Count      int  `json:"count"`
	StartIndex int  `json:"start_index"`
	EndIndex   int  `json:"end_index"`
	IsMore     bool `json:"is_more"`
	Data       []T  `json:"data"`
}

// sortKeys names the sort_by values a list takes (without the leading "-"
// that makes the order descending) and the string each sorts by. "" sorts
// by creation order.
type sortKeys[T any] map[string]func(T) string

// listPage answers a list: items (in creation order) sorted by the sort_by
// query parameter (defSort when absent), then the page count/start_index
// (defCount, 0 when absent). Errors are EINVALID naming the parameter.
func listPage[T any](w http.ResponseWriter, r *http.Request, items []T, defCount int, defSort string, keys sortKeys[T]) {
	count, err := queryInt(r, "count", defCount, 0)
	if err != nil {
		writeError(w, err)
		return
	}
	start, err := queryInt(r, "start_index", 0, 0)
	if err != nil {
		writeError(w, err)
		return
	}
	sortBy := r.URL.Query().Get("sort_by")
	if sortBy == "" {
		sortBy = defSort
	}
	if items, err = sortItems(items, sortBy, keys); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, paginate(items, count, start))
}

func paginate[T any](items []T, count, start int) listResponse[T] {
	page := listResponse[T]{StartIndex: start, Data: []T{}}
	if start < len(items) {
		end := min(start+count, len(items))
		page.Data = items[start:end]
		page.IsMore = end < len(items)
	}
	page.Count = len(page.Data)
	page.EndIndex = start + max(page.Count-1, 0)
	return page
}

func sortItems[T any](items []T, sortBy string, keys sortKeys[T]) ([]T, error) {
	if keys == nil {
		return items, nil
	}
	desc := strings.HasPrefix(sortBy, "-")
	key, ok := keys[strings.TrimPrefix(sortBy, "-")]
	if !ok {
		names := make([]string, 0, len(keys))
		for k := range keys {
			names = append(names, k)
		}
		sort.Strings(names)
		return nil, jit.Errorf(jit.EINVALID, "query parameter sort_by must be one of %s (a leading - sorts descending), got %q", strings.Join(names, ", "), clip(sortBy))
	}
	out := slices.Clone(items)
	if desc {
		slices.Reverse(out) // ties: newest first
	}
	if key != nil {
		slices.SortStableFunc(out, func(a, b T) int {
			c := strings.Compare(key(a), key(b))
			if desc {
				return -c
			}
			return c
		})
	}
	return out, nil
}
