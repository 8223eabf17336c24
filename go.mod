module github.com/jitsim/jitsim

go 1.26.8
